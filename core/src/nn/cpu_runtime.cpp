#include "nn/cpu_runtime.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace revcol {
namespace {

// OpenBLAS's own setter, found at run time: libtorch reaches OpenBLAS through the libblas.so.3
// alternative, so the symbol may be absent (reference BLAS, BLIS) and then there is nothing to do.
void setBlasThreads(int n) {
  using Setter = void (*)(int);
  for (const char* name : {"openblas_set_num_threads", "goto_set_num_threads"}) {
    if (auto fn = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, name))) {
      fn(n);
      return;
    }
  }
}

// Threads of this process in state R (running or runnable), the caller included.
int ownRunningThreads() {
  int running = 0;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream stat(task.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto paren = line.rfind(')');  // the command name may hold spaces and parentheses
    if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'R') ++running;
  }
  return std::max(1, running);
}

}  // namespace

int physicalCores() {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::pair<std::string, std::string>> cores;  // (physical id, core id)
  std::string line, physical = "0";
  while (std::getline(in, line)) {
    auto value = [&] { return line.substr(line.find(':') + 1); };
    if (line.rfind("physical id", 0) == 0) physical = value();
    if (line.rfind("core id", 0) == 0) cores.insert({physical, value()});
  }
  if (!cores.empty()) return static_cast<int>(cores.size());
  return std::max(1u, std::thread::hardware_concurrency());
}

bool hasAvx512f() {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  return avx512;
}

int freeCoresGiven(int cores, int others_now, int others_before) {
  return std::clamp(cores - std::max(0, std::min(others_now, others_before)), 1, cores);
}

int freeCores() {
  static const int cores = physicalCores();
  static std::atomic<int> others_before{0};
  // A look costs 0.15 ms or more (the /proc/self/task scan): 1-2 % of a RevCol-T forward when
  // taken before every call. Between looks the last answer stands.
  static std::atomic<int> last{cores};
  static std::atomic<int64_t> looked_at{std::numeric_limits<int64_t>::min() / 2};
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  if (now - looked_at.load() < kFreeCoresLookEveryMs) return last.load();
  looked_at = now;
  std::ifstream in("/proc/loadavg");
  double one, five, fifteen;
  int running = 0;
  char slash;
  int others = 0;
  // `running` counts this process's own runnable threads too: the caller, and OpenMP workers that
  // still spin for a moment after the last parallel region. Counting those as "others" once made
  // every call after the first run on one thread. 1: only the caller, no scan needed.
  if ((in >> one >> five >> fifteen >> running >> slash) && running > 1)
    others = std::max(0, running - ownRunningThreads());
  const int free = freeCoresGiven(cores, others, others_before.exchange(others));
  last = free;
  return free;
}

int configureCpuThreads(int threads) {
  const int n = threads > 0 ? threads : freeCores();
  setBlasThreads(1);
  if (at::get_num_threads() != n) at::set_num_threads(n);
  return n;
}

void keepActivationsMapped() {
  static std::once_flag once;
  std::call_once(once, [] {
    constexpr int kOneGiB = 1 << 30;
    mallopt(M_MMAP_THRESHOLD, kOneGiB);
    mallopt(M_TRIM_THRESHOLD, kOneGiB);
  });
}

}  // namespace revcol
