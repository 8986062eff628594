#pragma once
// SHA-256 (FIPS 180-4), small and dependency-free: used to record which checkpoint produced a
// figure. Verified against the FIPS / NIST example vectors in tests/pipeline/sha256_test.cpp.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace revcol {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // The 32-byte digest; the object must not be updated afterwards.
  std::array<uint8_t, 32> finish();
  // finish() as 64 lowercase hex digits.
  std::string finishHex();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
};

std::string sha256Hex(std::string_view bytes);
// Streams the file (1 MiB at a time). Throws revcol::Error naming the file if it cannot be read.
std::string sha256File(const std::string& path);

}  // namespace revcol
