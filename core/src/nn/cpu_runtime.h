#pragma once
// Process-wide CPU settings for inference: how many threads, and an allocator that keeps
// activations mapped. Both are global to the process (OpenMP, OpenBLAS and glibc malloc have no
// per-model state), so they are applied when a model loads and again before each inference call.
namespace revcol {

// Physical cores of this machine (logical CPUs / threads per core from /proc/cpuinfo; logical
// CPUs where that is unknown). At least 1.
int physicalCores();

// Uses `threads` intra-op threads (0 = physicalCores()) for libtorch/OpenMP and oneDNN, and makes
// OpenBLAS single-threaded: OpenBLAS's pthread pool and libgomp's pool otherwise both spin on the
// same cores (2 torch threads ran ~4x slower than 1 on a 2-core machine). The fast path splits its
// matrix products across the OpenMP threads itself. Returns the thread count in effect. Call it
// on the thread that runs inference: OpenMP's thread count is per calling thread.
int configureCpuThreads(int threads);

// glibc malloc: keep freed activations in the heap instead of returning them to the kernel
// (mmap/trim thresholds 1 GiB, as GLIBC_TUNABLES=glibc.malloc.mmap_threshold=...:trim_threshold=...
// would). Every large tensor is otherwise unmapped on free and page-faulted in again on the next
// op. Peak RSS stays the peak of the working set; nothing grows from frame to frame. Idempotent.
void keepActivationsMapped();

}  // namespace revcol
