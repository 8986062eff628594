// .npy reading and writing against files numpy 1.24 wrote (tests/data/npy, made by
// tests/data/preprocess/make_preprocess_fixtures.py). Values there are ramp(i) = (i - 7) / 8.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "revcol/error.h"
#include "revcol/npy.h"

namespace fs = std::filesystem;

namespace {

const std::string kDir = std::string(REVCOL_TEST_DATA) + "/npy/";

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

revcol::FloatArray ramp(std::vector<int64_t> shape) {
  revcol::FloatArray a;
  a.shape = std::move(shape);
  a.values.resize(static_cast<size_t>(a.numel()));
  for (size_t i = 0; i < a.values.size(); ++i) a.values[i] = (static_cast<float>(i) - 7.0f) / 8.0f;
  return a;
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Expects parseNpy(bytes) to throw a revcol::Error whose message names the file and contains `what`.
void expectError(const std::string& bytes, const std::string& what) {
  try {
    revcol::parseNpy(bytes, "bad.npy");
    ADD_FAILURE() << "expected revcol::Error containing '" << what << "'";
  } catch (const revcol::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.npy"), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

std::string withHeader(const std::string& dict, size_t dataBytes) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(h.size() & 0xFF));
  out.push_back(static_cast<char>(h.size() >> 8));
  return out + h + std::string(dataBytes, '\0');
}

}  // namespace

TEST(Npy, WritesTheSameBytesAsNumpy) {
  for (const auto& [file, shape] : std::vector<std::pair<std::string, std::vector<int64_t>>>{
           {"numpy_f4_2x3x4.npy", {2, 3, 4}},
           {"numpy_f4_5.npy", {5}},
           {"numpy_f4_0x3.npy", {0, 3}},
           {"numpy_f4_big_header_1x2x3x4x5x6x1x1.npy", {1, 2, 3, 4, 5, 6, 1, 1}}}) {
    SCOPED_TRACE(file);
    const std::string expected = readAll(kDir + file);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(revcol::npyBytes(ramp(shape)), expected);
  }
}

TEST(Npy, RoundTripsThroughAFile) {
  fs::path dir = fs::temp_directory_path() / "revcol_npy_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  revcol::FloatArray a = ramp({3, 1, 7});
  a.values[4] = std::nanf("");
  a.values[5] = -0.0f;
  a.values[6] = std::numeric_limits<float>::denorm_min();
  const std::string path = (dir / "a.npy").string();
  revcol::saveNpy(path, a);
  revcol::FloatArray b = revcol::loadNpy(path);
  EXPECT_EQ(b.shape, a.shape);
  ASSERT_EQ(b.values.size(), a.values.size());
  for (size_t i = 0; i < a.values.size(); ++i) EXPECT_EQ(bits(b.values[i]), bits(a.values[i])) << i;
  EXPECT_EQ(readAll(path).size() % 64, (21u * 4) % 64);  // data starts at a multiple of 64
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);  // no temp file left behind
  fs::remove_all(dir);
}

TEST(Npy, ReadsWhatNumpyWrote) {
  revcol::FloatArray f4 = revcol::loadNpy(kDir + "numpy_f4_2x3x4.npy");
  EXPECT_EQ(f4.shape, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(f4.values, ramp({2, 3, 4}).values);

  revcol::FloatArray f8 = revcol::loadNpy(kDir + "numpy_f8_3x2.npy");
  EXPECT_EQ(f8.shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(f8.values, ramp({3, 2}).values);

  revcol::FloatArray i8 = revcol::loadNpy(kDir + "numpy_i8_4x3.npy");
  EXPECT_EQ(i8.shape, (std::vector<int64_t>{4, 3}));
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(i8.values[i], (static_cast<float>(i) - 5.0f) * 1000.0f);

  // Fortran order comes back in C order.
  revcol::FloatArray fo = revcol::loadNpy(kDir + "numpy_f4_fortran_3x4.npy");
  EXPECT_EQ(fo.shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(fo.values, ramp({3, 4}).values);

  revcol::FloatArray v2 = revcol::loadNpy(kDir + "numpy_f4_v2_2x3.npy");
  EXPECT_EQ(v2.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(v2.values, ramp({2, 3}).values);

  revcol::FloatArray empty = revcol::loadNpy(kDir + "numpy_f4_0x3.npy");
  EXPECT_EQ(empty.shape, (std::vector<int64_t>{0, 3}));
  EXPECT_TRUE(empty.values.empty());

  revcol::FloatArray scalar = revcol::loadNpy(kDir + "numpy_f4_scalar.npy");
  EXPECT_EQ(scalar.shape, (std::vector<int64_t>{1}));
  EXPECT_EQ(scalar.values, (std::vector<float>{2.5f}));

  revcol::FloatArray big = revcol::loadNpy(kDir + "numpy_f4_big_header_1x2x3x4x5x6x1x1.npy");
  EXPECT_EQ(big.shape, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 1, 1}));
  EXPECT_EQ(big.values, ramp({720}).values);

  revcol::FloatArray special = revcol::loadNpy(kDir + "numpy_f4_special_4.npy");
  ASSERT_EQ(special.values.size(), 4u);
  EXPECT_EQ(special.values[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(special.values[1], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(bits(special.values[2]), 0x80000000u);
  EXPECT_EQ(bits(special.values[3]), 1u);
}

TEST(Npy, UnsupportedDtypesNameTheFileAndTheType) {
  for (const char* file : {"numpy_f4_bigendian_2x2.npy", "numpy_u2_3.npy"}) {
    try {
      revcol::loadNpy(kDir + file);
      ADD_FAILURE() << file;
    } catch (const revcol::Error& e) {
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("dtype"), std::string::npos) << e.what();
    }
  }
}

TEST(Npy, MalformedFilesAreClearErrors) {
  const std::string good = revcol::npyBytes(ramp({2, 3}));
  EXPECT_EQ(revcol::parseNpy(good, "x").values.size(), 6u);
  expectError("", "not a .npy file");
  expectError("PK\x03\x04 not npy at all", "not a .npy file");
  std::string v9 = good;
  v9[6] = 9;
  expectError(v9, "version 9.0");
  expectError(good.substr(0, 7), "ends inside the .npy header");
  expectError(good.substr(0, 9), "ends inside the .npy header");
  expectError(good.substr(0, 40), "header claims");
  expectError(good.substr(0, good.size() - 1), "truncated");
  expectError(good + "x", "1 unexpected bytes after the array data");
  std::string noNewline = good;
  noNewline[noNewline.size() - 6 * 4 - 1] = ' ';  // the byte before the data
  expectError(noNewline, "does not end with a newline");

  const char* f4 = "'descr': '<f4', ";
  expectError(withHeader("{'descr': '<f4', 'shape': (2,), }", 8), "missing key 'fortran_order'");
  expectError(withHeader("{'descr': '<f4', 'fortran_order': False, }", 8), "missing key 'shape'");
  expectError(withHeader(std::string("{") + f4 + "'fortran_order': False, 'shape': (2,), 'x': 1}", 8),
              "unexpected key 'x'");
  expectError(withHeader(std::string("{") + f4 + f4 + "'fortran_order': False, 'shape': (2,), }", 8),
              "duplicate key 'descr'");
  expectError(withHeader(std::string("{") + f4 + "'fortran_order': 0, 'shape': (2,), }", 8), "True or False");
  expectError(withHeader(std::string("{") + f4 + "'fortran_order': False, 'shape': (-2,), }", 8),
              "non-negative integer");
  expectError(withHeader(std::string("{") + f4 + "'fortran_order': False, 'shape': (2), }", 8), "trailing comma");
  expectError(withHeader(std::string("{") + f4 + "'fortran_order': False, 'shape': (2,) }x", 8),
              "after the header dictionary");
  expectError(withHeader(std::string("{") + f4 + "'fortran_order': False, 'shape': (99999999999999999999,), }", 8),
              "dimension too large");
  // Dimensions whose product overflows 64 bits are caught before any allocation.
  expectError(
      withHeader(
          std::string("{") + f4 + "'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", 8),
      "truncated");
  // Keys in another order, double quotes, Python 2 long suffixes: still valid.
  revcol::FloatArray a =
      revcol::parseNpy(withHeader("{\"shape\": (1L, 2L), \"fortran_order\": False, \"descr\": \"<f4\"}", 8), "ok");
  EXPECT_EQ(a.shape, (std::vector<int64_t>{1, 2}));
}

TEST(Npy, WriteRejectsInconsistentArrays) {
  revcol::FloatArray a = ramp({2, 3});
  a.values.pop_back();
  EXPECT_THROW(revcol::npyBytes(a), revcol::Error);
  EXPECT_THROW(revcol::npyBytes(revcol::FloatArray{}), revcol::Error);
  revcol::FloatArray neg;
  neg.shape = {-1};
  EXPECT_THROW(revcol::npyBytes(neg), revcol::Error);
  try {
    revcol::saveNpy("/nonexistent-dir-revcol/a.npy", ramp({2}));
    ADD_FAILURE();
  } catch (const revcol::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-revcol/a.npy"), std::string::npos);
  }
}
