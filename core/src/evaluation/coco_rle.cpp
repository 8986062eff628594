// COCO RLE as pycocotools' maskApi.c computes it. Written here rather than linked: Debian packages
// no pycocotools C library, and the functions are short; each follows the C function it names.
#include <revcol/coco_rle.h>
#include <revcol/error.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

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

// rleFrPoly for one polygon: the boundary is traced at 5x resolution, its points on pixel-centre
// columns are rounded to y-boundaries, and the sorted boundary positions become the runs.
CocoRle polygonRle(const std::vector<double>& xy, int h, int w) {
  const double scale = 5;
  const size_t k = xy.size() / 2;
  std::vector<int> x(k + 1), y(k + 1);
  for (size_t j = 0; j < k; ++j) x[j] = int(scale * xy[j * 2] + .5), y[j] = int(scale * xy[j * 2 + 1] + .5);
  x[k] = x[0], y[k] = y[0];
  std::vector<int> u, v;
  for (size_t j = 0; j < k; ++j) {
    int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
    const int dx = std::abs(xe - xs), dy = std::abs(ys - ye);
    const bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) std::swap(xs, xe), std::swap(ys, ye);
    const double s = dx >= dy ? double(ye - ys) / dx : double(xe - xs) / dy;
    if (dx >= dy) {
      for (int d = 0; d <= dx; ++d) {
        const int t = flip ? dx - d : d;
        u.push_back(t + xs), v.push_back(int(ys + s * t + .5));
      }
    } else {
      for (int d = 0; d <= dy; ++d) {
        const int t = flip ? dy - d : d;
        v.push_back(t + ys), u.push_back(int(xs + s * t + .5));
      }
    }
  }
  std::vector<uint32_t> a;
  for (size_t j = 1; j < u.size(); ++j) {
    if (u[j] == u[j - 1]) continue;
    double xd = double(u[j] < u[j - 1] ? u[j] : u[j] - 1);
    xd = (xd + .5) / scale - .5;
    if (std::floor(xd) != xd || xd < 0 || xd > w - 1) continue;
    double yd = double(v[j] < v[j - 1] ? v[j] : v[j - 1]);
    yd = (yd + .5) / scale - .5;
    yd = std::ceil(yd < 0 ? 0 : yd > h ? h : yd);
    a.push_back(uint32_t(int(xd) * h + int(yd)));
  }
  a.push_back(uint32_t(h) * uint32_t(w));
  std::sort(a.begin(), a.end());
  uint32_t p = 0;
  for (uint32_t& t : a) {
    const uint32_t next = t;
    t -= p;
    p = next;
  }
  CocoRle rle;
  rle.height = h, rle.width = w;
  size_t j = 0;
  rle.counts.push_back(a[j++]);
  while (j < a.size()) {
    if (a[j] > 0) {
      rle.counts.push_back(a[j++]);
    } else {  // two boundaries at one position cancel: merge the runs around them
      ++j;
      if (j < a.size()) rle.counts.back() += a[j++];
    }
  }
  return rle;
}

}  // namespace

CocoRle cocoRleFromPolygons(const std::vector<std::vector<double>>& polygons, int height, int width) {
  if (height <= 0 || width <= 0) throw Error("a COCO polygon needs a positive image size");
  cv::Mat mask = cv::Mat::zeros(height, width, CV_8U);
  for (const std::vector<double>& xy : polygons) {
    if (xy.size() < 6 || xy.size() % 2 != 0)
      throw Error("a COCO polygon needs at least three x, y pairs, got " + std::to_string(xy.size()) + " numbers");
    mask |= decodeCocoRle(polygonRle(xy, height, width));
  }
  return encodeCocoRle(mask);
}

uint64_t cocoRleArea(const CocoRle& rle) {
  uint64_t area = 0;
  for (size_t j = 1; j < rle.counts.size(); j += 2) area += rle.counts[j];
  return area;
}

std::array<double, 4> cocoRleBox(const CocoRle& rle) {
  const uint32_t h = uint32_t(rle.height), w = uint32_t(rle.width);
  const size_t m = rle.counts.size() / 2 * 2;
  if (m == 0 || h == 0) return {0, 0, 0, 0};
  uint32_t xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
  for (size_t j = 0; j < m; ++j) {
    cc += rle.counts[j];
    const uint32_t t = cc - uint32_t(j % 2), y = t % h, x = (t - y) / h;
    if (j % 2 == 0)
      xp = x;
    else if (xp < x)  // the run wraps into the next column: it spans the full height
      ys = 0, ye = h - 1;
    xs = std::min(xs, x), xe = std::max(xe, x), ys = std::min(ys, y), ye = std::max(ye, y);
  }
  return {double(xs), double(ys), double(xe - xs + 1), double(ye - ys + 1)};
}

double cocoMaskIou(const CocoRle& dt, const CocoRle& gt, bool crowd) {
  if (dt.height != gt.height || dt.width != gt.width) return -1;
  if (dt.counts.empty() || gt.counts.empty()) return 0;
  // Walk both run lists at once; (va, vb) is the value of the current run of each.
  uint64_t inter = 0, uni = 0;
  size_t a = 1, b = 1;
  uint32_t ca = dt.counts[0], cb = gt.counts[0];
  bool va = false, vb = false;
  for (uint64_t remaining = 1; remaining > 0;) {
    const uint32_t c = std::min(ca, cb);
    if (va || vb) {
      uni += c;
      if (va && vb) inter += c;
    }
    remaining = 0;
    ca -= c;
    if (ca == 0 && a < dt.counts.size()) ca = dt.counts[a++], va = !va;
    remaining += ca;
    cb -= c;
    if (cb == 0 && b < gt.counts.size()) cb = gt.counts[b++], vb = !vb;
    remaining += cb;
  }
  if (inter == 0) return 0;
  if (crowd) uni = cocoRleArea(dt);
  return double(inter) / double(uni);
}

double cocoBoxIou(const std::array<double, 4>& d, const std::array<double, 4>& g, bool crowd) {
  const double da = d[2] * d[3], ga = g[2] * g[3];
  const double w = std::fmin(d[2] + d[0], g[2] + g[0]) - std::fmax(d[0], g[0]);
  if (w <= 0) return 0;
  const double h = std::fmin(d[3] + d[1], g[3] + g[1]) - std::fmax(d[1], g[1]);
  if (h <= 0) return 0;
  const double i = w * h;
  return i / (crowd ? da : da + ga - i);
}

}  // namespace revcol
