#include <gtest/gtest.h>

#include "revcol/version.h"

TEST(Version, NamesTheLibtorchBackend) {
  const std::string v = revcol::versionString();
  EXPECT_NE(v.find("libtorch"), std::string::npos) << v;
  EXPECT_NE(v.find(revcol::cudaAvailable() ? "CUDA" : "CPU"), std::string::npos) << v;
}
