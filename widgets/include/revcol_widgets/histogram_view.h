#pragma once
// Histogram of a feature map's values (one channel or a reduction), with the mean marked.
#include <QWidget>
#include <vector>

class QCustomPlot;

namespace revcol::widgets {

struct Histogram {
  double lo = 0, hi = 0;       // range covered by the bins
  std::vector<double> counts;  // bins of equal width over [lo, hi]
  double mean = 0;
  size_t finite = 0;  // values counted (NaN/inf skipped)
};

// Bins the finite values into `bins` equal bins over [min, max].
Histogram computeHistogram(const float* values, size_t count, int bins);

class HistogramView : public QWidget {
  Q_OBJECT
 public:
  explicit HistogramView(QWidget* parent = nullptr);
  void setValues(const float* values, size_t count, const QString& title, int bins = 64);
  const Histogram& histogram() const { return histogram_; }

 private:
  QCustomPlot* plot_ = nullptr;
  Histogram histogram_;
};

}  // namespace revcol::widgets
