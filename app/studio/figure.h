#pragma once
// An exported figure as a reader of a paper sees it: an optional title line above the image, the
// image scaled up with crisp pixels, and an optional colour bar (with its end values) below, on white.
#include <QImage>
#include <QString>

namespace revcol::studio {

// `scale` >= 1 multiplies the image (nearest neighbour) and the title's font; `bar` is drawn at the
// figure's width when not null.
QImage composeFigure(const QImage& image, const QString& title, const QImage& bar, int scale);

}  // namespace revcol::studio
