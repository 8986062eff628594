#pragma once
// Batch export: the analysis of every frame of images, folders, videos and webcams written to disk
// (per-frame PNGs with JSON sidecars, raw .npy, MP4s of videos, a CSV + JSON of predictions and
// reconstruction errors per input, a manifest of everything written and every failure).
//
// Layout under out_dir, for an input named NAME (file stem, made unique in argument order):
//   NAME/overlay/KEY.png  + KEY.json   frame with the top-5 classes (sidecar: how it was made)
//   NAME/features/KEY.png + KEY.json   levels x columns grid of feature maps
//   NAME/errors/KEY.png   + KEY.json   levels x recovered-columns grid of reconstruction errors
//   NAME/raw/KEY/colC_levelL.npy, headH_logits.npy
//   NAME/frames/KEY.json               the frame's record, written last: its existence (with a
//                                      matching fingerprint and every file it lists) is what
//                                      makes the frame finished for --resume
//   NAME/results[SHARD].csv / .json    one row / record per frame, in frame order
//   NAME/cka[SHARD].json / .csv        with cka: the heat maps over the input's (shard's) frames
//   NAME/overlay[SHARD].mp4, NAME/features[SHARD].mp4   videos and webcams only
//   manifest[SHARD].json               SHARD = ".shard-I-of-N" with sharding, else ""
// KEY is f000123 (the frame's index in its source), plus _STEM for images of a folder.
//
// Every file is written atomically (temp file + rename); streamed files (CSV, JSON, MP4) are
// renamed into place when their input is complete, so an interrupted input leaves none.
//
// Memory: frames, tensors and figures are bounded by the FramePipeline (a few frames in flight);
// only the manifest's list of file names grows with the number of frames (tens of bytes each).
// The time range of FrameSourceOptions applies to videos and webcams, the stride to every source.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "revcol/colorize.h"
#include "revcol/frame_pipeline.h"
#include "revcol/frame_source.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

namespace revcol {

struct ExportOptions {
  std::vector<std::string> inputs;  // image files, folders, video files, webcam:N
  std::string out_dir;
  // What to write. Errors also put reconstruction errors in the CSV/JSON.
  bool overlay = true, features = true, errors = true, raw = false;
  // CKA heat maps of each input's frames (every column and level against the input pixels, and
  // against labels for folders read recursively: the sub-folder under the input is the class).
  // All frames of an input are analysed for it, finished ones too when resuming.
  bool cka = false;
  size_t cka_budget_bytes = size_t(1) << 30;  // features kept per input; later frames are left out
  bool videos = true;                         // MP4s of the overlay / feature grid for video and webcam inputs

  FrameSourceOptions source;  // stride, time range, recursive (want_pixels is set by the exporter)
  ImagenetPreprocess preprocess;
  std::string preprocess_name = "imagenet";  // recorded in sidecars
  ColormapId colormap = ColormapId::Viridis;
  int cell = 128;                        // feature / error grid cell width (pixels)
  std::vector<std::string> class_names;  // for the overlay and the CSV ("" names -> "class N")

  // Recorded in every sidecar, and part of the fingerprint that --resume compares.
  std::string checkpoint_file;
  std::string checkpoint_sha256;

  bool resume = false;
  int shard_index = 0;  // this process covers the units u with u % shard_count == shard_index
  int shard_count = 1;

  FramePipelineOptions pipeline;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by a signal handler) to stop cleanly
};

struct ExportProgress {
  int64_t frames_done = 0;  // processed + already finished (resumed)
  int64_t frames_resumed = 0;
  int64_t frames_total = -1;  // -1 when unknown (webcams, videos without a frame count)
  int64_t failures = 0;
  double fps = 0;     // frames processed by this run per second
  double eta_s = -1;  // -1 when unknown
};

struct ExportSummary {
  int64_t frames_processed = 0;
  int64_t frames_resumed = 0;
  int64_t failures = 0;
  bool interrupted = false;
  double seconds = 0;         // wall time of the pipeline
  double infer_seconds = 0;   // sum of model.analyze() times
  double render_seconds = 0;  // sum of drawing + encoding + writing times (worker threads)
  std::string manifest;       // path of the manifest written
};

// Units for sharding, in a deterministic order: each image, video and webcam input is one unit;
// a folder is one unit per image kept after the stride. Returns, per input, its first unit and
// count (a folder that cannot be listed counts as one unit, so every shard agrees).
struct ShardUnits {
  std::vector<int64_t> first, count;
};
ShardUnits shardUnits(const std::vector<std::string>& inputs, const FrameSourceOptions& source);

// Runs the export with `model` (owned by the inference thread for the duration). Failures of
// single inputs or frames are recorded in the manifest and counted; only problems with the
// output folder or options throw revcol::Error. `progress` runs on the writer thread.
ExportSummary runBatchExport(RevColModel& model, const ExportOptions& options,
                             const std::function<void(const ExportProgress&)>& progress = {});

}  // namespace revcol
