#pragma once
// The CPU inference runs on: what it can do (AVX-512F, its physical cores), and process-wide
// settings: how many threads, and an allocator that keeps activations mapped. The settings are
// global to the process (OpenMP, OpenBLAS and glibc malloc have no per-model state), so they are
// applied when a model loads and again before each inference call.
namespace revcol {

// The CPU runs AVX-512F (the fast path's own kernels: fast_gelu.h, small_rows_product.h).
bool hasAvx512f();

// Physical cores of this machine (logical CPUs / threads per core from /proc/cpuinfo; logical
// CPUs where that is unknown). At least 1.
int physicalCores();

// Physical cores not taken by other processes' running threads (runnable tasks of /proc/loadavg
// less this process's own), at least 1. OpenMP's fork-join waits at every parallel region for its
// slowest thread, so a thread that shares its core with another busy process stalls all of them:
// on this 2-core machine under a load of 8, two threads ran RevCol-T 5x slower than one. Only load
// seen at this look and at the previous one counts: a task that is runnable for an instant (a
// kworker, a `cat`) once halved a call's threads at random, one call in ~20 on an idle machine.
// It looks at most every kFreeCoresLookEveryMs and answers as it last did in between.
constexpr int kFreeCoresLookEveryMs = 100;
int freeCores();

// freeCores' rule: `cores` less the smaller of the other runnable threads seen now and at the
// previous look, clamped to [1, cores].
int freeCoresGiven(int cores, int others_now, int others_before);

// Uses `threads` intra-op threads (0 = auto: freeCores(), i.e. all physical cores on an otherwise
// idle machine, re-evaluated every 0.1 s) for libtorch/OpenMP and oneDNN, and makes
// OpenBLAS single-threaded: OpenBLAS's pthread pool and libgomp's pool otherwise both spin on the
// same cores (2 torch threads ran ~4x slower than 1 on a 2-core machine). The fast path's oneDNN
// primitives split their work over the OpenMP threads. Returns the thread count in effect. Call
// it on the thread that runs inference: OpenMP's thread count is per calling thread.
int configureCpuThreads(int threads);

// glibc malloc: keep freed activations in the heap instead of returning them to the kernel
// (mmap/trim thresholds 1 GiB, as GLIBC_TUNABLES=glibc.malloc.mmap_threshold=...:trim_threshold=...
// would). Every large tensor is otherwise unmapped on free and page-faulted in again on the next
// op. Peak RSS stays the peak of the working set; nothing grows from frame to frame. Idempotent.
void keepActivationsMapped();

}  // namespace revcol
