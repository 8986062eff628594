#include "revcol/palette.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "revcol/class_labels.h"
#include "revcol/error.h"

namespace revcol {
namespace {

// matplotlib's tab10 in its order, without tab:gray (127, 127, 127): that is too close to the
// background grey to tell a class from "nothing".
constexpr Rgb kTab10[] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},  {214, 39, 40}, {148, 103, 189},
                          {140, 86, 75},  {227, 119, 194}, {188, 189, 34}, {23, 190, 207}};
constexpr int kTab10Count = int(sizeof kTab10 / sizeof kTab10[0]);
constexpr Rgb kBackground = {128, 128, 128};

std::string trimmed(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// A class name as compared with a dataset's: trimmed, lower case, '_' as ' ' (some checkpoints,
// the detection fixture among them, store 'traffic_light' for mmdet's 'traffic light'; mmseg's
// ADE20K names include 'bed ').
std::string normalized(const std::string& s) {
  std::string out = trimmed(s);
  for (char& c : out) c = c == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool sameNames(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (normalized(a[i]) != normalized(b[i])) return false;
  return true;
}

// HSV (all in [0, 1]) to 8-bit RGB, as Python's colorsys.hsv_to_rgb then rounding.
Rgb hsvToRgb(double h, double s, double v) {
  const int i = int(h * 6.0) % 6;
  const double f = h * 6.0 - std::floor(h * 6.0);
  const double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  double r = v, g = t, b = p;
  switch (i) {
    case 1:
      r = q, g = v, b = p;
      break;
    case 2:
      r = p, g = v, b = t;
      break;
    case 3:
      r = p, g = q, b = v;
      break;
    case 4:
      r = t, g = p, b = v;
      break;
    case 5:
      r = v, g = p, b = q;
      break;
    default:
      break;
  }
  auto byte = [](double x) { return uint8_t(std::clamp(std::lround(x * 255.0), 0L, 255L)); };
  return {byte(r), byte(g), byte(b)};
}

// A dataset palette shipped beside its names: used only when the model's names are that dataset's.
std::vector<Rgb> shippedPalette(const std::string& labels_file, const std::string& palette_file, size_t count) {
  const std::vector<Rgb> palette = readPaletteFile(palette_file);
  if (palette.size() != count)
    throw Error("palette file " + palette_file + " has " + std::to_string(palette.size()) + " colours, " + labels_file +
                " names " + std::to_string(count) + " classes");
  return palette;
}

}  // namespace

Rgb qualitativeColor(int index) {
  if (index < kTab10Count) return kTab10[std::max(index, 0)];
  // Golden-ratio hue steps (about 222 degrees apart) never put two consecutive hues close, and
  // alternating a light tint (S 0.45, V 1) with a dark tone (S 0.9, V 0.55) separates them again
  // in lightness: consecutive colours end up about 250 apart in RGB, far beyond the 100 promised.
  const int k = index - kTab10Count;
  const double hue = std::fmod(k * 0.6180339887498949, 1.0);
  return k % 2 == 0 ? hsvToRgb(hue, 0.45, 1.0) : hsvToRgb(hue, 0.9, 0.55);
}

Rgb classColor(const std::vector<Rgb>& palette, int label) {
  if (label >= 0 && size_t(label) < palette.size()) return palette[size_t(label)];
  return qualitativeColor(label);
}

std::vector<Rgb> readPaletteFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read palette file " + path);
  std::vector<Rgb> palette;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text = trimmed(line);
    if (text.empty() || text[0] == '#') continue;
    int r = 0, g = 0, b = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%d %d %d %c", &r, &g, &b, &tail) != 3 || r < 0 || g < 0 || b < 0 || r > 255 ||
        g > 255 || b > 255)
      throw Error("palette file " + path + " line " + std::to_string(number) + " is not 'R G B' in 0..255: " + line);
    palette.push_back({uint8_t(r), uint8_t(g), uint8_t(b)});
  }
  if (palette.empty()) throw Error("palette file " + path + " holds no colours");
  return palette;
}

std::vector<Rgb> defaultPalette(const std::vector<std::string>& class_names) {
  const std::string labels = resourceDir() + "/labels/";
  // Only the two dataset sizes are worth reading a names file for.
  if (class_names.size() == 80 && sameNames(class_names, readLabelFile(labels + "coco80.txt")))
    return shippedPalette(labels + "coco80.txt", labels + "coco80_palette.txt", 80);
  if (class_names.size() == 150 && sameNames(class_names, readLabelFile(labels + "ade20k150.txt")))
    return shippedPalette(labels + "ade20k150.txt", labels + "ade20k150_palette.txt", 150);
  std::vector<Rgb> palette;
  int next = 0;  // background takes no colour from the sequence: the first class after it gets tab:blue
  for (const std::string& name : class_names)
    palette.push_back(normalized(name) == "background" ? kBackground : qualitativeColor(next++));
  return palette;
}

}  // namespace revcol
