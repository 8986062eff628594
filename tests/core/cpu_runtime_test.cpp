// Automatic thread count (nn/cpu_runtime.h): other processes' busy threads take cores away, a task
// that is runnable for a single look does not.
#include "nn/cpu_runtime.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

namespace revcol {
namespace {

TEST(FreeCores, LoadSeenAtOnlyOneOfTwoLooksKeepsEveryCore) {
  EXPECT_EQ(freeCoresGiven(2, 1, 0), 2);
  EXPECT_EQ(freeCoresGiven(2, 0, 3), 2);
  EXPECT_EQ(freeCoresGiven(8, 5, 0), 8);
}

TEST(FreeCores, LoadSeenAtBothLooksTakesTheSmallerCountOfCores) {
  EXPECT_EQ(freeCoresGiven(2, 1, 1), 1);
  EXPECT_EQ(freeCoresGiven(8, 2, 3), 6);
  EXPECT_EQ(freeCoresGiven(8, 5, 4), 4);
}

TEST(FreeCores, NeverBelowOneNorAboveTheCores) {
  EXPECT_EQ(freeCoresGiven(2, 9, 9), 1);
  EXPECT_EQ(freeCoresGiven(1, 1, 1), 1);
  EXPECT_EQ(freeCoresGiven(4, -3, -3), 4);
}

// Busy processes stay runnable at every look, so two looks in a row see them.
TEST(FreeCores, BusyProcessesLeaveOneThread) {
  const int cores = physicalCores();
  std::vector<pid_t> children;
  for (int i = 0; i < 2 * cores; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      volatile unsigned long spin = 0;
      while (true) spin = spin + 1;  // killed below
    }
    children.push_back(pid);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const int first = freeCores();
  const int between = freeCores();  // within kFreeCoresLookEveryMs: no look, the last answer
  std::this_thread::sleep_for(std::chrono::milliseconds(kFreeCoresLookEveryMs + 20));  // the next look
  const int free = freeCores();
  for (pid_t pid : children) kill(pid, SIGKILL);
  for (pid_t pid : children) waitpid(pid, nullptr, 0);
  EXPECT_EQ(between, first);
  EXPECT_EQ(free, 1);
}

}  // namespace
}  // namespace revcol
