#pragma once
// Fashion-MNIST as shipped by Debian's dataset-fashion-mnist (gzip'd IDX files).
#include <cstdint>
#include <string>
#include <vector>

namespace revcol::fashion {

constexpr int kItemSide = 28;
constexpr int kNumClasses = 10;

// The ten class names in label order (Fashion-MNIST's README).
const std::vector<std::string>& classNames();

struct FashionMnist {
  std::vector<uint8_t> pixels;  // count x 28 x 28, row-major, 0 = background
  std::vector<uint8_t> labels;  // count, 0..9
  int count() const { return static_cast<int>(labels.size()); }
  const uint8_t* image(int i) const { return pixels.data() + static_cast<size_t>(i) * kItemSide * kItemSide; }
};

// Where Debian installs the files (/usr/share/datasets/fashion-mnist), or $REVCOL_FASHION_MNIST_DIR.
std::string defaultFashionMnistDir();

// split is "train" (60000 items) or "test" (t10k, 10000 items). Every header field is checked
// against the bytes read; throws revcol::Error naming the file otherwise.
FashionMnist loadFashionMnist(const std::string& dir, const std::string& split);

}  // namespace revcol::fashion
