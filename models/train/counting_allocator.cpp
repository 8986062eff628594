#include "train/counting_allocator.h"

#include <c10/core/CPUAllocator.h>

#include <algorithm>
#include <atomic>

namespace revcol::train {
namespace {

std::atomic<size_t> g_live{0}, g_peak{0};

struct Counted {
  c10::DataPtr inner;
  size_t bytes;
};

void deleteCounted(void* ctx) {
  auto* counted = static_cast<Counted*>(ctx);
  g_live -= counted->bytes;
  delete counted;  // frees the wrapped allocation through its own deleter
}

class CountingAllocator final : public c10::Allocator {
 public:
  explicit CountingAllocator(c10::Allocator* inner) : inner_(inner) {}
  c10::DataPtr allocate(size_t n) const override {
    c10::DataPtr p = inner_->allocate(n);
    void* data = p.get();
    const size_t now = (g_live += n);
    size_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
    return {data, new Counted{std::move(p), n}, &deleteCounted, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return nullptr; }

 private:
  c10::Allocator* inner_;
};

}  // namespace

void installCountingAllocator() {
  static CountingAllocator* counting = nullptr;
  if (counting) return;
  counting = new CountingAllocator(c10::GetCPUAllocator());  // lives as long as the process
  c10::SetCPUAllocator(counting, /*priority=*/100);
}

size_t liveTensorBytes() { return g_live.load(); }
size_t peakTensorBytes() { return g_peak.load(); }
void resetPeak() { g_peak = g_live.load(); }

}  // namespace revcol::train
