#include "revcol_widgets/image_view.h"

#include <QPainter>

#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "box_annotations.h"

namespace revcol::widgets {

ImageView::ImageView(QWidget* parent) : QGraphicsView(parent) {
  setScene(new QGraphicsScene(this));
  setDragMode(QGraphicsView::ScrollHandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setMouseTracking(true);
  setBackgroundBrush(QColor(40, 40, 40));
  pixmap_ = scene()->addPixmap(QPixmap());
  // Feature maps are a few dozen pixels: show them as crisp blocks, never blurred.
  pixmap_->setTransformationMode(Qt::FastTransformation);
  overlay_ = scene()->addPixmap(QPixmap());
  overlay_->setTransformationMode(Qt::FastTransformation);
  overlay_->setVisible(false);
}

void ImageView::setImage(const QImage& image) {
  const bool same_size = image.size() == image_.size();
  image_ = image;
  pixmap_->setPixmap(QPixmap::fromImage(image));
  scene()->setSceneRect(QRectF(QPointF(0, 0), QSizeF(image.size())));
  if (!same_size || fit_) fitToWindow();
}

void ImageView::setOverlay(const QImage& overlay, double opacity) {
  QImage scaled = overlay.size() == image_.size() ? overlay : overlay.scaled(image_.size());
  overlay_->setPixmap(QPixmap::fromImage(scaled));
  overlay_->setOpacity(opacity);
  overlay_->setVisible(true);
}

void ImageView::clearOverlay() { overlay_->setVisible(false); }

void ImageView::setAnnotations(const QVector<BoxAnnotation>& boxes) {
  for (QGraphicsItem* item : annotation_items_) {
    scene()->removeItem(item);
    delete item;
  }
  annotation_items_.clear();
  annotations_ = boxes;
  for (const BoxAnnotation& a : boxes) {
    const QRectF box = a.box.normalized();
    QPen pen(a.color, 2, a.dashed ? Qt::DashLine : Qt::SolidLine);
    pen.setCosmetic(true);  // 2 screen pixels at every zoom
    auto* rect = scene()->addRect(box, pen);
    rect->setZValue(2);
    annotation_items_.append(rect);
    if (a.text.isEmpty()) continue;
    // Above the box, or inside it when the box touches the image's top edge.
    auto* label = new BoxLabelItem(a.text, a.color, font(), box.top() < 1);
    label->setPos(box.topLeft());
    label->setZValue(3);
    scene()->addItem(label);
    annotation_items_.append(label);
  }
}

QImage ImageView::composedImage() const {
  QImage out = image_.convertToFormat(QImage::Format_RGB32);
  if (out.isNull()) return out;
  QPainter painter(&out);
  if (overlay_->isVisible()) {
    painter.setOpacity(overlay_->opacity());
    painter.drawPixmap(0, 0, overlay_->pixmap());
    painter.setOpacity(1.0);
  }
  paintAnnotations(painter, annotations_, out.size());
  return out;
}

double ImageView::fitScale() const {
  if (image_.isNull()) return 1.0;
  const QRect vp = viewport()->rect();
  return std::max(1e-3, std::min(vp.width() / double(image_.width()), vp.height() / double(image_.height())));
}

double ImageView::zoom() const { return transform().m11(); }

void ImageView::setZoom(double factor) {
  factor = std::clamp(factor, 0.01, 256.0);
  const QPointF centre = normalizedCenter();
  setTransform(QTransform::fromScale(factor, factor));
  fit_ = false;
  setNormalizedCenter(centre);
  emit viewChanged();
}

void ImageView::fitToWindow() {
  const double s = fitScale();
  setTransform(QTransform::fromScale(s, s));
  centerOn(sceneRect().center());
  fit_ = true;
  emit viewChanged();
}

QPointF ImageView::normalizedCenter() const {
  if (image_.isNull()) return {0.5, 0.5};
  const QPointF c = mapToScene(viewport()->rect().center());
  return {c.x() / image_.width(), c.y() / image_.height()};
}

void ImageView::setNormalizedCenter(const QPointF& centre) {
  if (image_.isNull()) return;
  centerOn(centre.x() * image_.width(), centre.y() * image_.height());
}

void ImageView::synchronize(ImageView* a, ImageView* b) {
  auto follow = [](ImageView* from, ImageView* to) {
    QObject::connect(from, &ImageView::viewChanged, to, [from, to]() {
      if (to->syncing_ || to->image_.isNull() || from->image_.isNull()) return;
      to->syncing_ = true;
      // Zoom relative to each view's own fit, so a 14x14 map and a 224x224 input cover the same area.
      const double rel = from->zoom() / from->fitScale();
      to->setTransform(QTransform::fromScale(rel * to->fitScale(), rel * to->fitScale()));
      to->fit_ = from->fit_;
      to->setNormalizedCenter(from->normalizedCenter());
      to->syncing_ = false;
    });
  };
  follow(a, b);
  follow(b, a);
}

void ImageView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  const double factor = std::pow(1.25, steps);
  const double z = std::clamp(zoom() * factor, 0.01, 256.0);
  scale(z / zoom(), z / zoom());
  fit_ = false;
  emit viewChanged();
  event->accept();
}

void ImageView::mouseMoveEvent(QMouseEvent* event) {
  QGraphicsView::mouseMoveEvent(event);
  const QPointF p = mapToScene(event->position().toPoint());
  const int x = int(std::floor(p.x()));
  const int y = int(std::floor(p.y()));
  if (x >= 0 && y >= 0 && x < image_.width() && y < image_.height())
    emit hoveredPixel(x, y);
  else
    emit hoveredPixel(-1, -1);
}

void ImageView::scrollContentsBy(int dx, int dy) {
  QGraphicsView::scrollContentsBy(dx, dy);
  if (!syncing_) emit viewChanged();
}

void ImageView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  if (fit_) fitToWindow();
}

}  // namespace revcol::widgets
