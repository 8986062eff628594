#pragma once
// Peak CPU tensor memory, counted at libtorch's CPU allocator (exact bytes of live tensors, unlike
// RSS, which glibc's free lists and the model's own weights blur).
#include <cstddef>

namespace revcol::train {

// Installs the counting allocator in place of libtorch's default CPU allocator (once per process;
// tensors allocated before keep their original deleter and are not counted).
void installCountingAllocator();
// Bytes currently held by counted tensors, and the most held since the last resetPeak().
size_t liveTensorBytes();
size_t peakTensorBytes();
void resetPeak();

}  // namespace revcol::train
