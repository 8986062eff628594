#include "fashion_mnist.h"

#include <revcol/error.h>
#include <zlib.h>

#include <cstdlib>
#include <memory>

namespace revcol::fashion {
namespace {

// The whole decompressed file; IDX files are at most 47 MB.
std::vector<uint8_t> readGzip(const std::string& path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file)
    throw Error("cannot open " + path + " (install Debian's dataset-fashion-mnist: ./installer/install-deps.sh)");
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  for (;;) {
    const int n = gzread(file.get(), chunk, sizeof chunk);
    if (n < 0) throw Error(path + " is not a readable gzip file");
    if (n == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (bytes.size() > (size_t(256) << 20)) throw Error(path + " decompresses to more than 256 MB: not an IDX file");
  }
  return bytes;
}

uint32_t bigEndian32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t(b[at]) << 24) | (uint32_t(b[at + 1]) << 16) | (uint32_t(b[at + 2]) << 8) | uint32_t(b[at + 3]);
}

// IDX: magic 0x00000800 | dims, then one big-endian uint32 per dimension, then uint8 data.
std::vector<uint8_t> readIdx(const std::string& path, uint32_t dims, std::vector<uint32_t>& shape) {
  std::vector<uint8_t> b = readGzip(path);
  const size_t header = 4 + 4 * size_t(dims);
  if (b.size() < header || bigEndian32(b, 0) != (0x800u | dims))
    throw Error(path + " is not an IDX file of unsigned bytes with " + std::to_string(dims) + " dimensions");
  size_t total = 1;
  shape.clear();
  for (uint32_t d = 0; d < dims; ++d) {
    shape.push_back(bigEndian32(b, 4 + 4 * d));
    total *= shape.back();
  }
  if (b.size() - header != total)
    throw Error(path + " holds " + std::to_string(b.size() - header) + " data bytes, its header says " +
                std::to_string(total));
  return std::vector<uint8_t>(b.begin() + long(header), b.end());
}

}  // namespace

const std::vector<std::string>& classNames() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

std::string defaultFashionMnistDir() {
  if (const char* env = std::getenv("REVCOL_FASHION_MNIST_DIR"); env && *env) return env;
  return "/usr/share/datasets/fashion-mnist";
}

FashionMnist loadFashionMnist(const std::string& dir, const std::string& split) {
  std::string prefix;
  if (split == "train")
    prefix = dir + "/train";
  else if (split == "test")
    prefix = dir + "/t10k";
  else
    throw Error("the Fashion-MNIST split must be 'train' or 'test', got '" + split + "'");
  FashionMnist data;
  std::vector<uint32_t> image_shape, label_shape;
  data.pixels = readIdx(prefix + "-images-idx3-ubyte.gz", 3, image_shape);
  data.labels = readIdx(prefix + "-labels-idx1-ubyte.gz", 1, label_shape);
  if (image_shape[1] != kItemSide || image_shape[2] != kItemSide || image_shape[0] != label_shape[0])
    throw Error(prefix + "-*: expected N x 28 x 28 images and N labels");
  for (uint8_t l : data.labels)
    if (l >= kNumClasses) throw Error(prefix + "-labels-idx1-ubyte.gz holds a label above 9");
  return data;
}

}  // namespace revcol::fashion
