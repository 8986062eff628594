// COCO result format: the detection list as JSON, masks as compressed COCO RLE (coco_rle.h).
#include <revcol/detector.h>
#include <revcol/error.h>

#include <cstdio>

namespace revcol {

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
