#pragma once
// The random source of FashionScenes. std::mt19937's output sequence is fixed by the C++ standard,
// but std::uniform_*_distribution are not (libstdc++ and libc++ map bits to values differently),
// so every draw goes through the mappings below: the same seed gives the same scene everywhere.
#include <cstdint>
#include <random>

namespace revcol::fashion {

class Prng {
 public:
  explicit Prng(uint64_t seed) : engine_(static_cast<uint32_t>(seed ^ (seed >> 32))) {}

  uint32_t bits() { return static_cast<uint32_t>(engine_()); }
  // Uniform in [0, 1) with 24 bits of resolution (exact in float and double).
  double uniform() { return static_cast<double>(bits() >> 8) * (1.0 / 16777216.0); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi] (inclusive) by a 32x32->64 multiply-shift; the bias is below
  // 2^-32 * range, which no use here can notice, and it needs no rejection loop.
  int uniformInt(int lo, int hi) {
    const uint64_t range = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo + 1);
    return lo + static_cast<int>((static_cast<uint64_t>(bits()) * range) >> 32);
  }
  bool chance(double p) { return uniform() < p; }

 private:
  std::mt19937 engine_;
};

// SplitMix64 finaliser: turns (seed, stream, index) into well-separated engine seeds, so sample i
// of a set does not depend on how many samples come before it.
inline uint64_t mixSeed(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + stream * 0xBF58476D1CE4E5B9ull + index * 0x94D049BB133111EBull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace revcol::fashion
