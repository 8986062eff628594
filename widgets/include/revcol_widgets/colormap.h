#pragma once
// Colormaps for feature maps. Pure functions over float buffers so they are testable without a
// window and free of torch types.
#include <QColor>
#include <QImage>
#include <QString>
#include <QStringList>

namespace revcol::widgets {

enum class Colormap { Viridis, Magma, Gray, Diverging };

QStringList colormapNames();
Colormap colormapFromName(const QString& name);  // unknown names give Viridis
QString colormapName(Colormap map);

// Colour of t in [0, 1] (clamped); for Diverging, 0.5 is the neutral centre.
QColor colormapColor(Colormap map, double t);

// Maps a row-major width x height float buffer to an RGB image, lo -> 0, hi -> 1.
// NaN pixels are drawn black; hi <= lo maps every pixel to the centre colour.
QImage renderColormapped(const float* values, int width, int height, double lo, double hi, Colormap map);

}  // namespace revcol::widgets
