// Widget tests need one QApplication that lives exactly as long as main(): a function-static one
// is destroyed after Qt's own globals at exit and crashes there.
#include <gtest/gtest.h>

#include <QApplication>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
