// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "Example Algorithms") and sha256sum.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "revcol/error.h"
#include "revcol/sha256.h"

using revcol::sha256Hex;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                      "mnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesMatchOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(char(i * 7));
  // Every split point around the 64-byte block and 56-byte padding boundaries.
  for (size_t split : {0, 1, 55, 56, 63, 64, 65, 119, 128, 999, 1000}) {
    revcol::Sha256 h;
    h.update(std::string_view(data).substr(0, split));
    h.update(std::string_view(data).substr(split));
    EXPECT_EQ(h.finishHex(), sha256Hex(data)) << split;
  }
  // Lengths 55/56/64 pad into one or two blocks (values from sha256sum).
  EXPECT_EQ(sha256Hex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256Hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256Hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, FileEqualsBytesAndMissingFileIsAnError) {
  const auto p = std::filesystem::temp_directory_path() / "revcol_sha256_test.bin";
  std::string data(3 << 20, 'x');
  data[12345] = 'y';
  std::ofstream(p, std::ios::binary) << data;
  EXPECT_EQ(revcol::sha256File(p.string()), sha256Hex(data));
  std::filesystem::remove(p);
  EXPECT_THROW(revcol::sha256File(p.string()), revcol::Error);
}
