// levelName: the one naming of RevCol levels shared by the studio, CLI figures and sidecars.
#include <gtest/gtest.h>

#include "revcol/level_name.h"

using revcol::levelName;

TEST(LevelName, NamesTheLevelAndItsStride) {
  EXPECT_EQ(levelName(0), "c0 (1/4)");
  EXPECT_EQ(levelName(1), "c1 (1/8)");
  EXPECT_EQ(levelName(2), "c2 (1/16)");
  EXPECT_EQ(levelName(3), "c3 (1/32)");
}

TEST(LevelName, LevelsNoRevColHasStillGetAName) {
  EXPECT_EQ(levelName(4), "c4 (1/64)");
  EXPECT_EQ(levelName(-1), "c-1");
  EXPECT_EQ(levelName(40), "c40");
}
