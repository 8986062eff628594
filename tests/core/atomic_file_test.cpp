#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "revcol/atomic_file.h"
#include "revcol/error.h"

namespace fs = std::filesystem;

namespace {
std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST(AtomicFile, ReplacesContentAndLeavesNoTempFiles) {
  fs::path dir = fs::temp_directory_path() / "revcol_atomic_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path file = dir / "out.txt";
  revcol::writeFileAtomic(file.string(), "first");
  revcol::writeFileAtomic(file.string(), "second, longer");
  EXPECT_EQ(readAll(file), "second, longer");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  fs::remove_all(dir);
}

TEST(AtomicFile, MissingFolderIsAnErrorNamingTheFile) {
  try {
    revcol::writeFileAtomic("/nonexistent-dir-revcol/x.json", "{}");
    FAIL() << "expected revcol::Error";
  } catch (const revcol::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-revcol/x.json"), std::string::npos);
  }
}
