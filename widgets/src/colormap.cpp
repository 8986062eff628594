#include "revcol_widgets/colormap.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace revcol::widgets {
namespace {

struct Stop {
  double t;
  unsigned char r, g, b;
};

// Control points sampled from matplotlib's viridis and magma (perceptually uniform), linearly
// interpolated; 9 stops keep the error below what a thumbnail can show.
constexpr std::array<Stop, 9> kViridis{{{0.0, 68, 1, 84},
                                        {0.125, 71, 44, 122},
                                        {0.25, 59, 81, 139},
                                        {0.375, 44, 113, 142},
                                        {0.5, 33, 144, 141},
                                        {0.625, 39, 173, 129},
                                        {0.75, 92, 200, 99},
                                        {0.875, 170, 220, 50},
                                        {1.0, 253, 231, 37}}};
constexpr std::array<Stop, 9> kMagma{{{0.0, 0, 0, 4},
                                      {0.125, 28, 16, 68},
                                      {0.25, 79, 18, 123},
                                      {0.375, 129, 37, 129},
                                      {0.5, 181, 54, 122},
                                      {0.625, 229, 80, 100},
                                      {0.75, 251, 135, 97},
                                      {0.875, 254, 194, 135},
                                      {1.0, 252, 253, 191}}};
// Blue - white - red (RdBu reversed) for signed data centred on zero.
constexpr std::array<Stop, 5> kDiverging{
    {{0.0, 5, 48, 97}, {0.25, 67, 147, 195}, {0.5, 247, 247, 247}, {0.75, 214, 96, 77}, {1.0, 103, 0, 31}}};

template <size_t N>
QColor interpolate(const std::array<Stop, N>& stops, double t) {
  for (size_t i = 1; i < N; ++i) {
    if (t <= stops[i].t) {
      const Stop& a = stops[i - 1];
      const Stop& b = stops[i];
      double u = (t - a.t) / (b.t - a.t);
      return QColor::fromRgb(int(std::lround(a.r + u * (b.r - a.r))), int(std::lround(a.g + u * (b.g - a.g))),
                             int(std::lround(a.b + u * (b.b - a.b))));
    }
  }
  return QColor::fromRgb(stops[N - 1].r, stops[N - 1].g, stops[N - 1].b);
}

}  // namespace

QStringList colormapNames() { return {"viridis", "magma", "gray", "diverging"}; }

Colormap colormapFromName(const QString& name) {
  if (name == "magma") return Colormap::Magma;
  if (name == "gray") return Colormap::Gray;
  if (name == "diverging") return Colormap::Diverging;
  return Colormap::Viridis;
}

QString colormapName(Colormap map) {
  switch (map) {
    case Colormap::Magma:
      return "magma";
    case Colormap::Gray:
      return "gray";
    case Colormap::Diverging:
      return "diverging";
    case Colormap::Viridis:
      break;
  }
  return "viridis";
}

QColor colormapColor(Colormap map, double t) {
  t = std::clamp(std::isnan(t) ? 0.0 : t, 0.0, 1.0);
  switch (map) {
    case Colormap::Magma:
      return interpolate(kMagma, t);
    case Colormap::Gray: {
      int v = int(std::lround(t * 255.0));
      return QColor::fromRgb(v, v, v);
    }
    case Colormap::Diverging:
      return interpolate(kDiverging, t);
    case Colormap::Viridis:
      break;
  }
  return interpolate(kViridis, t);
}

QImage renderColormapped(const float* values, int width, int height, double lo, double hi, Colormap map) {
  QImage image(width, height, QImage::Format_RGB32);
  // A 256-entry lookup table: one interpolation per level instead of per pixel.
  std::array<QRgb, 256> lut;
  for (int i = 0; i < 256; ++i) lut[size_t(i)] = colormapColor(map, i / 255.0).rgb();
  const double span = hi - lo;
  if (!(span > 0)) {
    // No range to spread over: everything that is a number gets the centre colour.
    const QRgb centre = colormapColor(map, 0.5).rgb();
    for (int y = 0; y < height; ++y) {
      auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
      const float* src = values + size_t(y) * size_t(width);
      for (int x = 0; x < width; ++x) row[x] = std::isnan(src[x]) ? qRgb(0, 0, 0) : centre;
    }
    return image;
  }
  for (int y = 0; y < height; ++y) {
    auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
    const float* src = values + size_t(y) * size_t(width);
    for (int x = 0; x < width; ++x) {
      const float v = src[x];
      if (std::isnan(v)) {
        row[x] = qRgb(0, 0, 0);
        continue;
      }
      double t = (v - lo) / span;
      int idx = int(std::lround(std::clamp(t, 0.0, 1.0) * 255.0));
      row[x] = lut[size_t(idx)];
    }
  }
  return image;
}

}  // namespace revcol::widgets
