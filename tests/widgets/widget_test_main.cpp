// Widget tests need one QApplication that lives exactly as long as main(): a function-static one
// is destroyed after Qt's own globals at exit and crashes there.
#include <gtest/gtest.h>

#include <QApplication>

int main(int argc, char** argv) {
  // Offscreen always: the same pixels with or without a display, and CTest's discovery step runs
  // this binary without the test's environment.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
