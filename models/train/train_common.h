#pragma once
// Pieces shared by the revcol-train commands: architecture arguments, the schedule, logging.
#include <revcol/architecture.h>
#include <torch/torch.h>

#include <array>
#include <chrono>
#include <string>

#include "tools/tool_args.h"

namespace revcol::train {

// "--channels 32,64,128,256 --layers 1,1,2,1 --columns 4" into an Architecture (kernel 3).
Architecture architectureFrom(const tools::ToolArgs& args);

// Linear warm-up over `warmup` steps, then cosine from base to min_lr (timm's cosine scheduler,
// per step instead of per epoch).
double learningRate(int64_t step, int64_t steps, int64_t warmup, double base, double min_lr);

// AdamW with the official split: no weight decay on 1-D tensors (norms, biases, gammas) and biases.
torch::optim::AdamW makeAdamW(const std::vector<std::pair<std::string, torch::Tensor>>& params, double lr,
                              double weight_decay);
void setLearningRate(torch::optim::AdamW& optimizer, double lr);

class Stopwatch {
 public:
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Where a model was trained, for its model card: CPU model, logical cores, torch threads,
// libtorch version, e.g. "AMD EPYC 7B13, 2 logical cores, 1 torch thread, libtorch 2.1.0".
std::string machineDescription();

// The exact command line ("revcol-train cls ...") from a subcommand's argc/argv, for the manifest.
std::string commandLine(int argc, char** argv);

}  // namespace revcol::train
