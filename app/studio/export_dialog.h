#pragma once
// File > Export...: one dialog for everything the window can write. The user ticks what to write
// (each view as a figure, the data behind them), picks a folder, and the file names follow from the
// input's stem and frame ("scene_005001_features.png", "clip_f0012_cell.png"); figures can be scaled
// up and carry a title and a colour bar or not.
#include <QDialog>
#include <QList>
#include <QMap>
#include <QString>

class QCheckBox;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace revcol::studio {

// What File > Export writes (see view_export.h for the formats).
enum class ExportKind {
  InputView,      // PNG + sidecar: the input as shown, with its overlay
  FeatureGrid,    // PNG + sidecar: the column explorer's grid
  SelectedCell,   // PNG + sidecar: the cell detail view
  ErrorPlot,      // PNG + sidecar
  AlphaPlot,      // PNG + sidecar
  Timeline,       // PNG + sidecar
  FeatureArrays,  // a folder of .npy files
  ErrorsCsv,      // CSV
  SummaryJson,    // revcol-cli analyze's summary.json
  CkaFigure,      // PNG + sidecar: both CKA heat maps
  CkaCsv,         // CSV: against, column, level, cka
  CkaJson,        // JSON: the heat maps with the image set and provenance
};

// How a figure is drawn into its PNG.
struct FigureStyle {
  int scale = 1;          // image figures drawn this many times larger (crisp pixels)
  bool color_bar = true;  // the colour scale (with its end values) under maps and overlays
  bool title = true;      // a line above saying what the figure is
};

struct ExportChoice {
  QList<ExportKind> kinds;
  QString folder;
  QString stem;
  FigureStyle style;
};

// "bag_005008" for an image, "fashion_scenes_f0012" for frame 12 of a video.
QString exportStem(const QString& input_path, qint64 frame_index);
// STEM + the kind's suffix and extension ("_features.png", "_errors.csv"; "_features" for the
// folder of .npy arrays).
QString exportFileName(ExportKind kind, const QString& stem);
// The menu-like name of a kind ("Feature grid (PNG + sidecar)").
QString exportKindName(ExportKind kind);
// Every kind, in the dialog's order.
QList<ExportKind> allExportKinds();

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  // unavailable: kinds that cannot be written now, with the reason (shown greyed, reason as tooltip).
  ExportDialog(const QMap<ExportKind, QString>& unavailable, const QString& folder, const QString& stem,
               QWidget* parent = nullptr);
  ExportChoice choice() const;

 private:
  void updatePreview();

  QListWidget* kinds_ = nullptr;
  QLineEdit* folder_ = nullptr;
  QLineEdit* stem_ = nullptr;
  QSpinBox* scale_ = nullptr;
  QCheckBox* color_bar_ = nullptr;
  QCheckBox* title_ = nullptr;
  QListWidget* preview_ = nullptr;
};

}  // namespace revcol::studio
