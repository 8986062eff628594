#include "figure.h"

#include <QFont>
#include <QFontMetrics>
#include <QPainter>
#include <algorithm>

namespace revcol::studio {

QImage composeFigure(const QImage& image, const QString& title, const QImage& bar, int scale) {
  scale = std::max(1, scale);
  const QImage body = scale == 1 ? image
                                 : image.scaled(image.width() * scale, image.height() * scale, Qt::IgnoreAspectRatio,
                                                Qt::FastTransformation);
  QFont font;
  font.setPixelSize(14 * scale);
  const QFontMetrics fm(font);
  const int pad = 6 * scale;
  const int title_h = title.isEmpty() ? 0 : fm.height() + 2 * pad;
  const int width = std::max(body.width(), bar.isNull() ? 0 : bar.width());
  const int bar_h = bar.isNull() ? 0 : bar.height() + pad;
  QImage out(width, title_h + body.height() + bar_h, QImage::Format_RGB32);
  out.fill(Qt::white);
  QPainter p(&out);
  if (!title.isEmpty()) {
    p.setFont(font);
    p.setPen(Qt::black);
    p.drawText(QRect(pad, 0, width - 2 * pad, title_h), Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(title, Qt::ElideRight, width - 2 * pad));
  }
  p.drawImage((width - body.width()) / 2, title_h, body);
  if (!bar.isNull()) p.drawImage((width - bar.width()) / 2, title_h + body.height() + pad, bar);
  return out;
}

}  // namespace revcol::studio
