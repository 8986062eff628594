#pragma once
// Options of the detection and segmentation commands (detect, segment, evaluate).
#include "arguments.h"
#include "revcol/detector.h"
#include "revcol/segmenter.h"

namespace revcol::cli {

// --scale LONG,SHORT (default: the checkpoint's test scale, 1333,800 for the released configs) and
// --score-thr T (default 0.05).
DetectOptions detectOptionsFrom(const Arguments& args);
// --scale LONG,SHORT, --mode whole|slide, --crop N, --stride N, --raw; unset ones come from the
// checkpoint's test configuration (Segmenter::resolve).
SegmentOptions segmentOptionsFrom(const Arguments& args);

}  // namespace revcol::cli
