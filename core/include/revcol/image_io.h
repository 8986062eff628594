#pragma once
// Reading and writing images for the pipeline. Every failure is a revcol::Error naming the file.
#include <opencv2/core.hpp>
#include <string>

namespace revcol {

// Reads an image as 8-bit RGB (3 channels), whatever its format or channel count on disk.
cv::Mat loadImageRgb(const std::string& path);

// Writes an 8-bit RGB or gray image atomically (temp file in the same folder, then rename), so a
// reader never sees half a file and an interrupted run leaves no partial output.
void saveImageAtomic(const std::string& path, const cv::Mat& rgb);

}  // namespace revcol
