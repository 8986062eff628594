#include "train/train_common.h"

#include <revcol/error.h>

#include <torch/version.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

namespace revcol::train {
namespace {

std::array<int64_t, 4> fourInts(const tools::ToolArgs& args, const std::string& name, std::array<int64_t, 4> fallback) {
  if (!args.has(name)) return fallback;
  std::array<int64_t, 4> out{};
  std::stringstream in(args.value(name));
  std::string part;
  size_t n = 0;
  while (std::getline(in, part, ',')) {
    if (n == 4) break;
    try {
      out[n] = std::stoll(part);
    } catch (const std::exception&) {
      throw Error(name + " takes four comma-separated integers, got '" + args.value(name) + "'");
    }
    if (out[n] < 1 || out[n] > 4096) throw Error(name + " values must be in [1, 4096], got '" + args.value(name) + "'");
    ++n;
  }
  if (n != 4 || std::getline(in, part, ',')) throw Error(name + " takes four comma-separated integers");
  return out;
}

}  // namespace

Architecture architectureFrom(const tools::ToolArgs& args) {
  Architecture a;
  a.channels = fourInts(args, "--channels", {32, 64, 128, 256});
  a.layers = fourInts(args, "--layers", {1, 1, 2, 1});
  a.columns = int(args.integer("--columns", 4, 1, 64));
  a.kernel_size = 3;
  return a;
}

double learningRate(int64_t step, int64_t steps, int64_t warmup, double base, double min_lr) {
  if (step < warmup) return base * double(step + 1) / double(warmup);
  const double t = double(step - warmup) / double(std::max<int64_t>(1, steps - warmup));
  return min_lr + 0.5 * (base - min_lr) * (1.0 + std::cos(M_PI * std::min(1.0, t)));
}

torch::optim::AdamW makeAdamW(const std::vector<std::pair<std::string, torch::Tensor>>& params, double lr,
                              double weight_decay) {
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& [name, p] : params) {
    const bool is_bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    (p.dim() <= 1 || is_bias ? no_decay : decay).push_back(p);
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(
      decay, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(lr).weight_decay(weight_decay)));
  groups.emplace_back(no_decay,
                      std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(lr).weight_decay(0.0)));
  return torch::optim::AdamW(std::move(groups), torch::optim::AdamWOptions(lr));
}

void setLearningRate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

std::string commandLine(int argc, char** argv) {
  // argv[0] is the subcommand (cls, seg): the tool's name goes in front of it.
  std::string out = "revcol-train";
  for (int i = 0; i < argc; ++i) out += std::string(" ") + argv[i];
  return out;
}

std::string machineDescription() {
  std::string cpu = "unknown CPU";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) cpu = line.substr(line.find_first_not_of(' ', colon + 1));
    break;
  }
  const int threads = torch::get_num_threads();
  std::ostringstream out;
  out << cpu << ", " << std::thread::hardware_concurrency() << " logical cores, " << threads << " torch thread"
      << (threads == 1 ? "" : "s") << ", libtorch " << TORCH_VERSION;
  return out.str();
}

}  // namespace revcol::train
