#include "revcol/ablation.h"

namespace revcol {

std::string describe(const Ablation& a) {
  const std::string where = "c" + std::to_string(a.level) + " of column " + std::to_string(a.column);
  switch (a.kind) {
    case Ablation::Kind::StopAfterColumn:
      return "stop after column " + std::to_string(a.column);
    case Ablation::Kind::ZeroLevel:
      return "zero " + where;
    case Ablation::Kind::MeanLevel:
      return "mean " + where;
    default:
      return "none";
  }
}

}  // namespace revcol
