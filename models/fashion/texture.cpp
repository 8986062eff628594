#include "texture.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace revcol::fashion {
namespace {

using Rgb = std::array<double, 3>;

Rgb randomColour(Prng& rng, double lo, double hi) {
  return {rng.uniform(lo, hi), rng.uniform(lo, hi), rng.uniform(lo, hi)};
}

// Bilinear value noise on a coarse grid of `cells` x `cells`, evaluated per pixel in double (no
// cv::resize: its fixed-point paths differ between CPU instruction sets).
cv::Mat valueNoise(int width, int height, int cells, Prng& rng) {
  std::vector<double> grid(size_t(cells + 1) * size_t(cells + 1));
  for (double& g : grid) g = rng.uniform();
  cv::Mat out(height, width, CV_64F);
  for (int y = 0; y < height; ++y) {
    const double gy = double(y) * cells / height;
    const int y0 = std::min(int(gy), cells - 1);
    const double fy = gy - y0;
    for (int x = 0; x < width; ++x) {
      const double gx = double(x) * cells / width;
      const int x0 = std::min(int(gx), cells - 1);
      const double fx = gx - x0;
      auto at = [&](int yy, int xx) { return grid[size_t(yy) * size_t(cells + 1) + size_t(xx)]; };
      const double top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
      const double bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
      out.at<double>(y, x) = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

}  // namespace

cv::Mat proceduralBackground(int width, int height, Prng& rng) {
  const Rgb a = randomColour(rng, 20, 200), b = randomColour(rng, 20, 200);
  const int kind = rng.uniformInt(0, 3);
  const cv::Mat noise = valueNoise(width, height, rng.uniformInt(2, 6), rng);
  const double period = rng.uniform(6, 24), angle = rng.uniform(0, M_PI), grain = rng.uniform(0, 18);
  const double ca = std::cos(angle), sa = std::sin(angle);
  cv::Mat out(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double t = noise.at<double>(y, x);  // kind 0: plain noise
      const double u = (x * ca + y * sa) / period;
      if (kind == 1) t = 0.6 * t + 0.4 * (0.5 + 0.5 * std::sin(2 * M_PI * u));  // stripes
      if (kind == 2) {                                                          // checks
        const int cx = int(std::floor(x / period)), cy = int(std::floor(y / period));
        t = 0.5 * t + 0.5 * double((cx + cy) & 1);
      }
      if (kind == 3) t = 0.7 * t + 0.3 * std::fabs(std::sin(2 * M_PI * u * 0.5 + 3 * t));  // waves
      const double g = grain * (rng.uniform() - 0.5);
      auto& px = out.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) px[c] = cv::saturate_cast<uint8_t>(a[size_t(c)] * (1 - t) + b[size_t(c)] * t + g);
    }
  }
  return out;
}

}  // namespace revcol::fashion
