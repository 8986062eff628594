#pragma once
// Results of RevColModel::analyze(): plain data for views and exporters.
#include <revcol/float_array.h>

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace revcol {

struct TopClass {
  int64_t index = 0;  // class index
  float logit = 0.0f;
  float probability = 0.0f;  // softmax over this head's logits
};

// One classification head's answer.
struct HeadOutput {
  int head = 0;    // 0..3 for cls_blocks, 0 for the single cls head
  int column = 0;  // the column whose c3 it reads
  std::vector<float> logits;
  std::vector<TopClass> top;  // best first
};

enum class Precision { Float32, Float64 };

// How a column's predecessor is recovered by running the column backwards.
enum class ReconstructionMode {
  Step,   // column i inverted from the true features of column i: measures one inversion
  Chain,  // start from the last column and invert all the way back: errors compound
};

struct AnalysisOptions {
  bool features = true;    // fill ColumnAnalysis::levels (C x H x W per level)
  bool added_maps = true;  // fill ColumnAnalysis::added (F_l = c_l(k) - alpha_l * c_l(k-1))
  bool decoders = true;    // run the decoders (intermediate supervision only)
  std::vector<Precision> precisions = {Precision::Float32};  // reconstruction precisions
  std::vector<ReconstructionMode> modes = {ReconstructionMode::Step};
  // Called after each unit of work (done, total); return false to cancel: analyze() then throws
  // revcol::Error("analysis cancelled"). Runs on the caller's thread.
  std::function<bool(int done, int total)> progress;
};

// Error of one recovered level against the true features.
struct LevelError {
  double rel_l2 = 0.0;   // ||c' - c|| / ||c|| (0 when both are 0)
  double max_abs = 0.0;  // max |c' - c|
  FloatArray map;        // H x W: mean over channels of |c' - c|
};

// Features of column `target` recovered by inverting column target + 1.
struct ColumnReconstruction {
  int target = 0;  // the column whose features were recovered (0 .. columns-2)
  std::array<LevelError, 4> levels;
};

struct Reconstruction {
  Precision precision = Precision::Float32;
  ReconstructionMode mode = ReconstructionMode::Step;
  std::vector<ColumnReconstruction> columns;  // target 0 .. columns-2, in that order
};

// |alpha| statistics of one level of one column (after the clamp).
struct AlphaStats {
  float min_abs = 0.0f;
  float mean_abs = 0.0f;
  float max_abs = 0.0f;
  int64_t channels = 0;
  int64_t clamped = 0;   // stored |alpha| < 1e-3 (raised to 1e-3 by the clamp; exact 0 counts too)
  int64_t negative = 0;  // alpha < 0
};

struct ColumnAnalysis {
  int column = 0;
  std::array<FloatArray, 4> levels;  // c0..c3, C x H x W (empty unless options.features)
  std::array<FloatArray, 4> added;   // F_0..F_3, C x H x W (empty unless options.added_maps)
  std::array<AlphaStats, 4> alphas;
};

struct AnalysisResult {
  std::vector<ColumnAnalysis> columns;          // every column, in order (float32 forward)
  std::vector<Reconstruction> reconstructions;  // one per requested (precision, mode)
  std::vector<HeadOutput> heads;                // as classify(), top 5
  std::vector<FloatArray> decoder_images;       // 3 x H x W each, in the normalised input space
};

}  // namespace revcol
