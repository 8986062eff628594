#include "export_files.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>
#include <opencv2/imgproc.hpp>
#include <unistd.h>

#include "revcol/error.h"
#include "revcol/frame_source.h"

namespace fs = std::filesystem;

namespace revcol::exporter {

std::string sanitizeName(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out.push_back(keep ? c : '_');
    if (out.size() >= 60) break;
  }
  if (out.empty() || out == "." || out == "..") out = "input";
  return out;
}

std::vector<std::string> inputNames(const std::vector<std::string>& inputs) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (const std::string& in : inputs) {
    std::string base;
    if (in.rfind("webcam:", 0) == 0) {
      base = "webcam" + in.substr(7);
    } else {
      fs::path p = fs::path(in).lexically_normal();
      if (!p.has_filename()) p = p.parent_path();  // "dir/" names the folder
      std::error_code ec;
      base = fs::is_directory(p, ec) ? p.filename().string() : p.stem().string();
    }
    base = sanitizeName(base);
    std::string name = base;
    for (int k = 2; used.count(name); ++k) name = base + "-" + std::to_string(k);
    used.insert(name);
    names.push_back(name);
  }
  return names;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string csvNumber(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  char buf[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

void StreamedFile::open(const std::string& final_path) {
  abandon();
  final_ = final_path;
  temp_ = final_path + ".partial";
  f_ = std::fopen(temp_.c_str(), "wb");
  if (!f_) throw Error("cannot write " + temp_ + ": " + std::strerror(errno));
}

void StreamedFile::write(const std::string& text) {
  if (!f_) throw Error("internal: write to a closed stream " + final_);
  if (std::fwrite(text.data(), 1, text.size(), f_) != text.size())
    throw Error("cannot write " + temp_ + ": " + std::strerror(errno));
}

void StreamedFile::commit() {
  if (!f_) return;
  const bool ok = std::fflush(f_) == 0 && ::fsync(fileno(f_)) == 0;
  const int close_status = std::fclose(f_);
  f_ = nullptr;
  if (!ok || close_status != 0 || std::rename(temp_.c_str(), final_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temp_.c_str());
    throw Error("cannot write " + final_ + ": " + why);
  }
}

void StreamedFile::abandon() {
  if (!f_) return;
  std::fclose(f_);
  f_ = nullptr;
  std::remove(temp_.c_str());
}

void StreamedVideo::write(const cv::Mat& rgb) {
  if (!started()) throw Error("internal: video not started");
  if (!writer_.isOpened()) {
    temp_ = final_ + ".partial.mp4";
    size_ = rgb.size();
    // FFmpeg explicitly: the same encoder and container on every machine.
    if (!writer_.open(temp_, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps_ > 0 ? fps_ : 10.0, size_,
                      true))
      throw Error("cannot write " + final_ + ": OpenCV cannot encode MPEG-4 ('mp4v') video here");
  }
  if (rgb.size() != size_) throw Error("cannot write " + final_ + ": frame size changed within the video");
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  writer_.write(bgr);
  ++frames_;
}

bool StreamedVideo::commit() {
  if (!writer_.isOpened()) {
    final_.clear();
    return false;
  }
  writer_.release();
  const bool ok = std::rename(temp_.c_str(), final_.c_str()) == 0;
  const std::string final_path = final_;
  final_.clear();
  if (!ok) {
    std::remove(temp_.c_str());
    throw Error("cannot write " + final_path + ": " + std::strerror(errno));
  }
  return true;
}

void StreamedVideo::abandon() {
  if (writer_.isOpened()) {
    writer_.release();
    std::remove(temp_.c_str());
  }
  final_.clear();
}

}  // namespace revcol::exporter
