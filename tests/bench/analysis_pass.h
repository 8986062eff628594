#pragma once
// The analysis pass the benchmarks time (and revcol-cli export --what features,errors runs):
// features of every column and level + the float32 step reconstruction of every column.
#include <revcol/analysis.h>

namespace revcol::bench {

inline AnalysisOptions analysisPass() {
  AnalysisOptions analysis;
  analysis.features = true;
  analysis.added_maps = false;
  analysis.decoders = false;
  analysis.precisions = {Precision::Float32};
  analysis.modes = {ReconstructionMode::Step};
  return analysis;
}

}  // namespace revcol::bench
