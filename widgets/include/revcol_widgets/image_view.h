#pragma once
// A zoomable, pannable view of one image with a pixel readout. Several views can share one
// ViewSync so that zoom and pan move together (the input beside a large feature map).
#include <QColor>
#include <QGraphicsView>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>
#include <functional>

class QGraphicsItem;
class QGraphicsPixmapItem;

namespace revcol::widgets {

// A labelled box over the image (a detection): drawn as scene items so the outline stays 2 px and
// the label stays at the window's font size whatever the zoom.
struct BoxAnnotation {
  QRectF box;  // image pixels: x1 y1 x2 y2 as a rectangle
  QColor color;
  QString text;  // "" draws no label
  bool dashed = false;
};

class ImageView : public QGraphicsView {
  Q_OBJECT
 public:
  explicit ImageView(QWidget* parent = nullptr);

  // Replaces the image; keeps zoom and centre when the size is unchanged (video frames).
  void setImage(const QImage& image);
  const QImage& image() const { return image_; }
  // Extra layers drawn over the image in image coordinates (boxes, masks, label maps).
  void setOverlay(const QImage& overlay, double opacity);
  void clearOverlay();
  // Replaces the boxes (empty clears them); they stay across setImage until replaced.
  void setAnnotations(const QVector<BoxAnnotation>& boxes);
  int annotationCount() const { return int(annotations_.size()); }
  const QVector<BoxAnnotation>& annotations() const { return annotations_; }
  // The image with the overlay (when shown) blended in and the boxes drawn, at the image's own
  // resolution; labels in a font of max(12, height / 30) px so an exported image reads.
  QImage composedImage() const;

  double zoom() const;
  void setZoom(double factor);  // 1 = one image pixel per screen pixel
  void fitToWindow();
  // Normalized centre in [0,1]^2 so views of images with different sizes stay in step.
  QPointF normalizedCenter() const;
  void setNormalizedCenter(const QPointF& centre);

  // Pass a view to follow this one's zoom (relative to fit) and centre, in both directions.
  static void synchronize(ImageView* a, ImageView* b);

 signals:
  // Image pixel under the cursor (outside: x or y < 0).
  void hoveredPixel(int x, int y);
  void viewChanged();

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void scrollContentsBy(int dx, int dy) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  double fitScale() const;

  QImage image_;
  QGraphicsPixmapItem* pixmap_ = nullptr;
  QGraphicsPixmapItem* overlay_ = nullptr;
  QVector<BoxAnnotation> annotations_;
  QList<QGraphicsItem*> annotation_items_;
  bool fit_ = true;
  bool syncing_ = false;
};

}  // namespace revcol::widgets
