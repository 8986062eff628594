#pragma once
// The RevCol model facade: load a checkpoint, classify, analyse. Plain types only: apps and widgets
// include this without libtorch.
//
// Threading: a RevColModel is not thread-safe. One worker thread owns it and calls classify() /
// analyze() in turn (see DESIGN: InferenceWorker). Moving it to another thread between calls is fine.
#include <revcol/ablation.h>
#include <revcol/analysis.h>
#include <revcol/architecture.h>
#include <revcol/float_array.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace revcol {

// Which weights of a checkpoint to use.
enum class WeightsPreference {
  Auto,  // 'model' (official releases), else 'state_dict' (mmdet/mmseg), else the root dict
  Ema,   // 'model_ema'; an error if the file has none
};

struct LoadOptions {
  std::string device = "cpu";  // "cpu" or "cuda" (an error if CUDA is not available)
  WeightsPreference weights = WeightsPreference::Auto;
  // CPU intra-op threads for this process, applied at load and before each call on the calling
  // thread. 0 = auto: the physical cores, fewer while other processes keep cores busy (OpenMP
  // stalls when a core is shared). OpenBLAS is kept single-threaded (see nn/cpu_runtime.h).
  int threads = 0;
  // CPU float32: run classify/analyze on the fast channels-last path (checked against the plain
  // modules at load, within 1e-5 relative L2; the plain path is used if it does not agree).
  bool fast = true;
  // CPU: the fast path's ConvNeXt MLPs multiply in bfloat16 (AVX-512 BF16 / AMX through oneDNN),
  // everything else float32. Off by default: ~1e-2 relative drift (README, revcol-bench).
  bool bf16 = false;
};

struct ModelInfo {
  Architecture architecture;
  int64_t parameter_count = 0;           // of the modules built (backbone + classification heads + decoders)
  std::string file;                      // "" for a model built with random weights
  std::string weights_source;            // "model", "model_ema", "state_dict", "root" or "random"
  bool has_ema = false;                  // the file also holds EMA weights
  std::string device;                    // "cpu" or "cuda"
  // What runs classify/analyze on the CPU: "fast fp32", "fast bf16" (LoadOptions::fast / bf16) or
  // "plain" (disabled, unsupported, or the fast path failed its check at load); "" on CUDA.
  std::string cpu_path;
  std::vector<std::string> class_names;  // from mmdet/mmseg meta, else empty
};

class RevColModel {
 public:
  // Reads the checkpoint, infers the architecture from its weights, builds the network and copies
  // the weights name for name (every shape checked). Stored alphas are clamped to |a| >= 1e-3 (sign
  // kept, exact 0 stays 0) as the official forward does. Detection / segmentation checkpoints
  // build their backbone (keys under "backbone."). Throws revcol::Error on any problem.
  static RevColModel load(const std::string& path, const LoadOptions& options = {});

  // A network of the given architecture with random weights (deterministic for a seed): for
  // benchmarks, demos and tests without a checkpoint. task/weights_prefix are ignored.
  static RevColModel random(const Architecture& arch, uint64_t seed = 0, const LoadOptions& options = {});

  RevColModel(RevColModel&&) noexcept;
  RevColModel& operator=(RevColModel&&) noexcept;
  ~RevColModel();

  const ModelInfo& info() const;

  // Runs the network on one image. `chw` is 3 x H x W float32, already normalised (ImageNet
  // mean/std for classification). H and W should be multiples of 32 (any size >= 32 works; the
  // decoders then return a smaller image). Returns every classification head (empty list for a
  // backbone-only model). Throws revcol::Error on a bad shape.
  std::vector<HeadOutput> classify(const FloatArray& chw, int top_k = 5);
  // The same with an intervention on the backbone (see ablation.h): the heads of the columns run.
  std::vector<HeadOutput> classify(const FloatArray& chw, int top_k, const Ablation& ablation);

  // Features of every column, what each column added, reversible-reconstruction errors, alpha
  // statistics, head logits and decoder images: see AnalysisOptions / AnalysisResult.
  AnalysisResult analyze(const FloatArray& chw, const AnalysisOptions& options = {});

 private:
  struct Impl;
  friend struct RevColModelAccess;  // core-internal: a model over a detector's or segmenter's backbone
  explicit RevColModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What a checkpoint holds (classification, backbone, detection or segmentation), told from the
// names and shapes of its weights alone: nothing but the pickle is read, so an app can pick the
// right loader (RevColModel, Detector, Segmenter) without reading a large file twice. Throws
// revcol::Error as RevColModel::load does for a file that is not a RevCol checkpoint.
Task checkpointTask(const std::string& path);

}  // namespace revcol
