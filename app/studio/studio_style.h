#pragma once
// Small things every studio view shares: the level colours of all plots (c0..c3) and the copy of an
// 8-bit RGB cv::Mat into a QImage.
#include <QColor>
#include <QImage>
#include <QString>
#include <opencv2/core.hpp>

#include "revcol/level_name.h"

namespace revcol::studio {

inline QColor levelColor(int level) {
  static const char* const kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
  return QColor(kColors[level & 3]);
}

// "c2 (1/16)": core's one naming of levels, shared with revcol-cli's exports and sidecars.
inline QString levelLabel(int level) { return QString::fromStdString(levelName(level)); }

// A deep copy: the QImage outlives the Mat.
inline QImage toQImage(const cv::Mat& rgb) {
  return QImage(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888).copy();
}

}  // namespace revcol::studio
