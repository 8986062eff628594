#include "train/counting_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace revcol::train {
namespace {

std::atomic<size_t> g_live{0}, g_peak{0};
std::mutex g_mutex;
// Sizes by address: the deleter gets only the pointer, and oneDNN insists that a DataPtr's
// context is its data (raw_allocate), so no per-allocation record can ride along.
std::unordered_map<void*, size_t>* g_sizes = new std::unordered_map<void*, size_t>();

void countedFree(void* data) {
  if (!data) return;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_sizes->find(data);
    if (it != g_sizes->end()) {
      g_live -= it->second;
      g_sizes->erase(it);
    }
  }
  c10::free_cpu(data);
}

class CountingAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const override {
    void* data = c10::alloc_cpu(n);  // what c10's DefaultCPUAllocator does (aligned, zero-size safe)
    {
      std::lock_guard<std::mutex> lock(g_mutex);
      (*g_sizes)[data] = n;
    }
    const size_t now = (g_live += n);
    size_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
    return {data, data, &countedFree, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &countedFree; }
};

}  // namespace

void installCountingAllocator() {
  static CountingAllocator* counting = nullptr;
  if (counting) return;
  counting = new CountingAllocator();  // lives as long as the process
  c10::SetCPUAllocator(counting, /*priority=*/100);
}

size_t liveTensorBytes() { return g_live.load(); }
size_t peakTensorBytes() { return g_peak.load(); }
void resetPeak() { g_peak = g_live.load(); }

}  // namespace revcol::train
