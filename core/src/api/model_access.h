#pragma once
// A RevColModel over a backbone network another model already holds (a detector's or a
// segmenter's): the column analysis and the task heads then share one copy of the weights and one
// fast path instead of reading the checkpoint twice and holding everything twice.
#include <revcol/model.h>

#include "checkpoint/checkpoint.h"
#include "nn/fast_revcol.h"
#include "nn/revcol_net.h"

#include <memory>
#include <string>

namespace revcol {

struct RevColModelAccess {
  // `info` describes the backbone as RevColModel::load describes it for the same checkpoint;
  // `fast` may be null (the plain modules run); `threads` as LoadOptions::threads.
  static RevColModel overBackbone(RevColNet net, std::shared_ptr<FastRevColNet> fast, ModelInfo info, int threads);
};

// The ModelInfo of `net`, read from `ck` (null: random weights) and running on `cpu_path`: what
// RevColModel::load reports, and what a detector's or segmenter's backboneModel() reports for the
// same file.
ModelInfo describeModel(RevColNetImpl& net, const Checkpoint* ck, const std::string& cpu_path);

}  // namespace revcol
