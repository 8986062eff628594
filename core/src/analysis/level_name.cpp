#include "revcol/level_name.h"

namespace revcol {

std::string levelName(int level) {
  const std::string name = "c" + std::to_string(level);
  // 4 << l overflows int past l = 28; no network has that many levels, so the stride is left out.
  if (level < 0 || level > 28) return name;
  return name + " (1/" + std::to_string(4LL << level) + ")";
}

}  // namespace revcol
