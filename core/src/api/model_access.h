#pragma once
// A RevColModel over a backbone network another model already holds (a detector's or a
// segmenter's): the column analysis and the task heads then share one copy of the weights and one
// fast path instead of reading the checkpoint twice and holding everything twice.
#include <revcol/model.h>

#include "nn/fast_revcol.h"
#include "nn/revcol_net.h"

#include <memory>

namespace revcol {

struct RevColModelAccess {
  // `info` describes the backbone as RevColModel::load describes it for the same checkpoint;
  // `fast` may be null (the plain modules run); `threads` as LoadOptions::threads.
  static RevColModel overBackbone(RevColNet net, std::shared_ptr<FastRevColNet> fast, ModelInfo info, int threads);
};

// What RevColModel::load reports for a checkpoint whose backbone is `net` (file, weights source,
// class names and the like are the caller's to fill in).
ModelInfo backboneInfo(RevColNetImpl& net, const std::string& cpu_path);

}  // namespace revcol
