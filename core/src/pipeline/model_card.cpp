#include "revcol/model_card.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace revcol {

int modelCardImageSize(const std::string& checkpoint) {
  std::ifstream in(checkpoint + ".json");
  if (!in) return 0;
  const nlohmann::json card = nlohmann::json::parse(in, nullptr, false);
  if (card.is_discarded() || !card.is_object() || !card.contains("image_size") ||
      !card["image_size"].is_number_integer())
    return 0;
  const int64_t size = card["image_size"].get<int64_t>();
  return size >= 32 && size <= 4096 ? static_cast<int>(size) : 0;
}

ImagenetPreprocess cardPreprocess(int size) {
  ImagenetPreprocess p;
  p.mode = ResizeMode::Warp;
  p.size = size;
  return p;
}

}  // namespace revcol
