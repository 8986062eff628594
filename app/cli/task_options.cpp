#include "task_options.h"

#include <algorithm>
#include <cstdio>

#include "revcol/error.h"

namespace revcol::cli {
namespace {

void parseScale(const std::string& text, DetectOptions& o) {
  int a = 0, b = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%d,%d%c", &a, &b, &tail) != 2 || a < 32 || b < 32 || a > 8192 || b > 8192)
    throw Error("--scale takes LONG,SHORT (two sizes in 32..8192), got '" + text + "'");
  o.scale_long = std::max(a, b);
  o.scale_short = std::min(a, b);
}

float parseThreshold(const std::string& text) {
  try {
    size_t used = 0;
    const float t = std::stof(text, &used);
    if (used == text.size() && t >= 0.f && t < 1.f) return t;
  } catch (const std::exception&) {
  }
  throw Error("--score-thr takes a number in [0, 1), got '" + text + "'");
}

}  // namespace

DetectOptions detectOptionsFrom(const Arguments& args) {
  DetectOptions o;
  if (args.has("--scale")) parseScale(args.value("--scale"), o);  // else the checkpoint's test scale
  o.score_thr = parseThreshold(args.value("--score-thr", "0.05"));
  return o;
}

SegmentOptions segmentOptionsFrom(const Arguments& args) {
  SegmentOptions o;
  if (args.has("--scale")) {
    int a = 0, b = 0;
    char tail = 0;
    const std::string s = args.value("--scale");
    if (std::sscanf(s.c_str(), "%d,%d%c", &a, &b, &tail) != 2 || a < 32 || b < 32 || a > 16384 || b > 16384)
      throw Error("--scale takes LONG,SHORT (e.g. 2048,512), got '" + s + "'");
    o.scale_long = std::max(a, b);
    o.scale_short = std::min(a, b);
  }
  if (args.has("--mode")) o.mode = segmentModeFromName(args.value("--mode"));
  if (args.has("--crop")) {
    const int c = args.intValue("--crop", 512, 32, 16384);
    o.crop = cv::Size(c, c);
  }
  if (args.has("--stride")) {
    const int s = args.intValue("--stride", 341, 1, 16384);
    o.stride = cv::Size(s, s);
  }
  o.features = args.flag("--raw");
  // The logits at the original size (classes x H x W, often gigabytes) are not dumped: the
  // decode-head logits of each pass hold the same information at stride 4.
  return o;
}

}  // namespace revcol::cli
