#include "revcol/frame_source.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "revcol/error.h"
#include "revcol/image_io.h"

namespace fs = std::filesystem;

namespace revcol {
namespace {

void checkOptions(const FrameSourceOptions& o) {
  if (o.stride < 1) throw Error("frame stride must be at least 1");
  if (o.start_s < 0) throw Error("start time must be >= 0 seconds");
  if (o.end_s >= 0 && o.end_s <= o.start_s) throw Error("end time must be after the start time");
}

bool wants(const FrameSourceOptions& o, int64_t index) { return !o.want_pixels || o.want_pixels(index); }

// Stills: one image, or a folder's listing. Decoding happens in next(), so a corrupt file only
// fails its own frame.
class StillSource : public FrameSource {
 public:
  StillSource(SourceKind kind, std::vector<std::string> files, FrameSourceOptions o)
      : kind_(kind), files_(std::move(files)), o_(std::move(o)) {}

  bool next(Frame& f) override {
    if (pos_ >= files_.size()) return false;
    f = Frame{};
    f.index = int64_t(pos_);
    f.file = files_[pos_];
    pos_ += size_t(o_.stride);
    if (!wants(o_, f.index)) {
      f.status = Frame::Status::Skipped;
      return true;
    }
    try {
      f.rgb = loadImageRgb(f.file);
    } catch (const Error& e) {
      f.status = Frame::Status::Failed;
      f.error = e.what();
    }
    return true;
  }
  SourceKind kind() const override { return kind_; }
  int64_t expectedFrames() const override {
    return files_.empty() ? 0 : int64_t((files_.size() - 1) / size_t(o_.stride) + 1);
  }

 private:
  SourceKind kind_;
  std::vector<std::string> files_;
  FrameSourceOptions o_;
  size_t pos_ = 0;
};

class VideoSource : public FrameSource {
 public:
  VideoSource(const std::string& path, FrameSourceOptions o) : path_(path), o_(std::move(o)) {
    // FFmpeg first: the same decoder on every machine gives the same pixels (GStreamer may differ).
    if (!cap_.open(path, cv::CAP_FFMPEG) && !cap_.open(path, cv::CAP_ANY))
      throw Error("cannot open video " + path + ": OpenCV has no decoder for it");
    fps_ = cap_.get(cv::CAP_PROP_FPS);
    if (!(fps_ > 0 && fps_ < 10000)) fps_ = 0;
    const double n = cap_.get(cv::CAP_PROP_FRAME_COUNT);
    declared_ = n > 0 && n < 1e12 ? int64_t(n) : -1;
    if (o_.start_s > 0 || o_.end_s >= 0) {
      if (fps_ <= 0) throw Error("cannot apply a time range to " + path + ": the video declares no frame rate");
      first_ = int64_t(std::ceil(o_.start_s * fps_ - 1e-6));
      if (o_.end_s >= 0) end_ = int64_t(std::ceil(o_.end_s * fps_ - 1e-6));
    }
  }

  bool next(Frame& f) override {
    while (true) {
      if (done_ || (end_ >= 0 && pos_ >= end_)) return false;
      const int64_t index = pos_;
      if (!cap_.grab()) {
        done_ = true;
        // A stream that stops before the frame count it declares has an undecodable frame.
        if (declared_ > 0 && index < declared_ && (end_ < 0 || index < end_) && index >= first_) {
          f = Frame{};
          f.status = Frame::Status::Failed;
          f.index = index;
          f.file = path_;
          f.timestamp_s = timestamp(index);
          f.error = "video " + path_ + ": cannot decode frame " + std::to_string(index) + " (the file declares " +
                    std::to_string(declared_) + " frames); the frames after it are lost";
          return true;
        }
        return false;
      }
      ++pos_;
      if (index < first_ || (index - first_) % o_.stride != 0) continue;
      f = Frame{};
      f.index = index;
      f.file = path_;
      f.timestamp_s = timestamp(index);
      if (!wants(o_, index)) {
        f.status = Frame::Status::Skipped;
        return true;
      }
      cv::Mat bgr;
      if (!cap_.retrieve(bgr) || bgr.empty()) {
        f.status = Frame::Status::Failed;
        f.error = "video " + path_ + ": cannot decode frame " + std::to_string(index);
        return true;
      }
      toRgb(bgr, f.rgb);
      return true;
    }
  }
  SourceKind kind() const override { return SourceKind::Video; }
  int64_t expectedFrames() const override {
    if (declared_ < 0) return -1;
    const int64_t stop = end_ >= 0 ? std::min(end_, declared_) : declared_;
    return stop <= first_ ? 0 : (stop - first_ - 1) / o_.stride + 1;
  }
  double fps() const override { return fps_; }

  static void toRgb(const cv::Mat& in, cv::Mat& out) {
    if (in.channels() == 1)
      cv::cvtColor(in, out, cv::COLOR_GRAY2RGB);
    else if (in.channels() == 4)
      cv::cvtColor(in, out, cv::COLOR_BGRA2RGB);
    else
      cv::cvtColor(in, out, cv::COLOR_BGR2RGB);
  }

 private:
  double timestamp(int64_t index) const { return fps_ > 0 ? double(index) / fps_ : 0.0; }

  std::string path_;
  FrameSourceOptions o_;
  cv::VideoCapture cap_;
  double fps_ = 0;
  int64_t declared_ = -1;
  int64_t first_ = 0;
  int64_t end_ = -1;
  int64_t pos_ = 0;
  bool done_ = false;
};

class WebcamSource : public FrameSource {
 public:
  WebcamSource(int camera, FrameSourceOptions o) : camera_(camera), o_(std::move(o)) {
    if (!cap_.open(camera)) throw Error("cannot open webcam " + std::to_string(camera));
    fps_ = std::max(0.0, cap_.get(cv::CAP_PROP_FPS));
    start_ = std::chrono::steady_clock::now();
  }

  bool next(Frame& f) override {
    while (true) {
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      if (o_.end_s >= 0 && t >= o_.end_s) return false;
      if (!cap_.grab()) return false;  // camera unplugged
      const int64_t index = pos_++;
      if (t < o_.start_s || index % o_.stride != 0) continue;
      f = Frame{};
      f.index = index;
      f.timestamp_s = t;
      if (!wants(o_, index)) {
        f.status = Frame::Status::Skipped;
        return true;
      }
      cv::Mat bgr;
      if (!cap_.retrieve(bgr) || bgr.empty()) {
        f.status = Frame::Status::Failed;
        f.error = "webcam " + std::to_string(camera_) + ": cannot decode frame " + std::to_string(index);
        return true;
      }
      VideoSource::toRgb(bgr, f.rgb);
      return true;
    }
  }
  SourceKind kind() const override { return SourceKind::Webcam; }
  int64_t expectedFrames() const override { return -1; }
  double fps() const override { return fps_; }

 private:
  int camera_;
  FrameSourceOptions o_;
  cv::VideoCapture cap_;
  double fps_ = 0;
  int64_t pos_ = 0;
  std::chrono::steady_clock::time_point start_;
};

bool parseWebcam(const std::string& input, int& camera) {
  if (input.rfind("webcam:", 0) != 0) return false;
  const std::string n = input.substr(7);
  if (n.empty() || n.size() > 3 || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw Error("webcam inputs are written webcam:N with N the camera number, got '" + input + "'");
  camera = std::stoi(n);
  return true;
}

}  // namespace

const char* toString(SourceKind kind) {
  switch (kind) {
    case SourceKind::Image:
      return "image";
    case SourceKind::Folder:
      return "folder";
    case SourceKind::Video:
      return "video";
    case SourceKind::Webcam:
      return "webcam";
  }
  return "?";
}

bool isImageFileName(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  static const char* kExts[] = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp",
                                ".ppm", ".pgm", ".pbm",  ".pnm", ".jp2", ".exr",  ".hdr"};
  return std::any_of(std::begin(kExts), std::end(kExts), [&ext](const char* e) { return ext == e; });
}

std::vector<std::string> listImageFiles(const std::string& folder, bool recursive) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw Error("cannot list " + folder + ": not a folder");
  std::vector<std::string> relative;
  auto take = [&](const fs::directory_entry& e) {
    if (e.is_regular_file(ec) && isImageFileName(e.path().string()))
      relative.push_back(e.path().lexically_relative(folder).generic_string());
  };
  if (recursive) {
    for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      take(*it);
  } else {
    for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      take(*it);
  }
  if (ec) throw Error("cannot list " + folder + ": " + ec.message());
  std::sort(relative.begin(), relative.end());
  std::vector<std::string> files;
  for (const std::string& r : relative) files.push_back((fs::path(folder) / r).string());
  return files;
}

SourceKind classifyInput(const std::string& input) {
  int camera = 0;
  if (parseWebcam(input, camera)) return SourceKind::Webcam;
  std::error_code ec;
  if (fs::is_directory(input, ec)) return SourceKind::Folder;
  if (!fs::exists(input, ec)) throw Error("cannot open " + input + ": no such file or folder");
  return isImageFileName(input) ? SourceKind::Image : SourceKind::Video;
}

std::unique_ptr<FrameSource> openFrameSource(const std::string& input, const FrameSourceOptions& options) {
  checkOptions(options);
  switch (classifyInput(input)) {
    case SourceKind::Webcam: {
      int camera = 0;
      parseWebcam(input, camera);
      return std::make_unique<WebcamSource>(camera, options);
    }
    case SourceKind::Folder:
      return std::make_unique<StillSource>(SourceKind::Folder, listImageFiles(input, options.recursive), options);
    case SourceKind::Image:
      return std::make_unique<StillSource>(SourceKind::Image, std::vector<std::string>{input}, options);
    case SourceKind::Video:
      return std::make_unique<VideoSource>(input, options);
  }
  throw Error("cannot open " + input);
}

}  // namespace revcol
