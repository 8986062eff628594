#include "revcol/image_io.h"

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "revcol/atomic_file.h"
#include "revcol/error.h"

namespace revcol {

cv::Mat loadImageRgb(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error("cannot open image " + path + ": it is a folder, not a file");
  if (!std::filesystem::is_regular_file(path, ec)) throw Error("cannot open image " + path + ": no such file");
  cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
  if (bgr.empty()) throw Error("cannot read image " + path + ": not an image format OpenCV can decode");
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

void saveImageAtomic(const std::string& path, const cv::Mat& image) {
  if (image.empty() || image.depth() != CV_8U || (image.channels() != 3 && image.channels() != 1))
    throw Error("cannot write " + path + ": expected an 8-bit RGB or gray image");
  cv::Mat out;
  if (image.channels() == 3)
    cv::cvtColor(image, out, cv::COLOR_RGB2BGR);
  else
    out = image;
  std::string ext = std::filesystem::path(path).extension().string();
  if (ext.empty()) ext = ".png";
  std::vector<uchar> bytes;
  if (!cv::imencode(ext, out, bytes)) throw Error("cannot write " + path + ": unsupported image extension " + ext);
  writeFileAtomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace revcol
