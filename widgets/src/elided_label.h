#pragma once
// One line of text that elides when narrow instead of widening its window; the full text is the
// tooltip. Its size hint reserves room for a sample text, so counting frames does not jiggle the
// layout.
#include <QString>
#include <QWidget>

namespace revcol::widgets {

class ElidedLabel : public QWidget {
 public:
  explicit ElidedLabel(QWidget* parent = nullptr);
  void setText(const QString& text);
  QString text() const { return text_; }
  void setReserve(const QString& sample);  // sizeHint() is at least this text's width

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString text_;
  QString reserve_;
};

}  // namespace revcol::widgets
