// COCO result format: RLE as pycocotools' maskApi.c (rleEncode / rleToString / rleFrString) and
// the detection list as JSON (written by hand: core has no JSON dependency).
#include <revcol/detector.h>
#include <revcol/error.h>

#include <cstdio>

namespace revcol {

CocoRle encodeCocoRle(const cv::Mat& mask) {
  if (mask.empty() || mask.type() != CV_8U) throw Error("a COCO RLE needs a non-empty 8-bit single-channel mask");
  CocoRle rle;
  rle.height = mask.rows;
  rle.width = mask.cols;
  uint8_t previous = 0;
  uint32_t run = 0;
  for (int x = 0; x < mask.cols; ++x)
    for (int y = 0; y < mask.rows; ++y) {
      const uint8_t v = mask.at<uint8_t>(y, x) ? 1 : 0;
      if (v != previous) {
        rle.counts.push_back(run);
        run = 0;
        previous = v;
      }
      ++run;
    }
  rle.counts.push_back(run);
  return rle;
}

cv::Mat decodeCocoRle(const CocoRle& rle) {
  cv::Mat mask = cv::Mat::zeros(rle.height, rle.width, CV_8U);
  const int64_t total = int64_t(rle.height) * rle.width;
  int64_t pos = 0;
  uint8_t value = 0;
  for (uint32_t c : rle.counts) {
    if (pos + c > total) throw Error("COCO RLE counts exceed the mask size");
    for (uint32_t k = 0; k < c; ++k, ++pos) mask.at<uint8_t>(int(pos % rle.height), int(pos / rle.height)) = value;
    value ^= 1;
  }
  if (pos != total) throw Error("COCO RLE counts do not cover the mask");
  return mask;
}

std::string cocoRleString(const CocoRle& rle) {
  // LEB128-like, 5 bits per character (+ continuation bit) offset by '0'; from the third count on,
  // the difference to the count two places before is stored.
  std::string s;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    int64_t x = int64_t(rle.counts[i]);
    if (i > 2) x -= int64_t(rle.counts[i - 2]);
    bool more = true;
    while (more) {
      char c = char(x & 0x1f);
      x >>= 5;  // arithmetic shift: negative differences end at -1
      more = (c & 0x10) ? x != -1 : x != 0;
      if (more) c |= 0x20;
      s.push_back(char(c + 48));
    }
  }
  return s;
}

CocoRle cocoRleFromString(const std::string& counts, int height, int width) {
  CocoRle rle;
  rle.height = height;
  rle.width = width;
  size_t p = 0;
  while (p < counts.size()) {
    int64_t x = 0;
    int k = 0;
    bool more = true;
    while (more) {
      if (p >= counts.size()) throw Error("truncated COCO RLE string");
      const int64_t c = int64_t(counts[p]) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) != 0;
      ++p;
      ++k;
      if (!more && (c & 0x10)) x |= -(int64_t(1) << (5 * k));  // sign-extend
    }
    if (rle.counts.size() > 2) x += int64_t(rle.counts[rle.counts.size() - 2]);
    if (x < 0 || x > int64_t(UINT32_MAX)) throw Error("invalid COCO RLE string");
    rle.counts.push_back(uint32_t(x));
  }
  return rle;
}

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace

std::string detectionsToCocoJson(const std::vector<DetectedObject>& objects) {
  std::string out = "[";
  for (size_t i = 0; i < objects.size(); ++i) {
    const DetectedObject& o = objects[i];
    out += i ? ",\n " : "\n ";
    out += "{\"bbox\": [" + number(o.box[0]) + ", " + number(o.box[1]) + ", " + number(o.box[2] - o.box[0]) + ", " +
           number(o.box[3] - o.box[1]) + "], \"score\": " + number(o.score) +
           ", \"category_id\": " + std::to_string(o.label) + ", \"category\": " + quoted(o.name);
    if (!o.mask.empty()) {
      const CocoRle rle = encodeCocoRle(o.mask);
      out += ", \"segmentation\": {\"size\": [" + std::to_string(rle.height) + ", " + std::to_string(rle.width) +
             "], \"counts\": " + quoted(cocoRleString(rle)) + "}";
    }
    out += "}";
  }
  out += objects.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace revcol
