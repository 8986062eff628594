// The README promises two set-up commands and CI promises to run the second: pin that they agree.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Lines of the fenced ```sh blocks under "## Quick start".
std::vector<std::string> quickStartCommands(const std::string& readme) {
  std::vector<std::string> commands;
  size_t start = readme.find("## Quick start");
  size_t end = readme.find("\n## ", start + 1);
  std::istringstream section(readme.substr(start, end - start));
  std::string line;
  bool in_block = false;
  while (std::getline(section, line)) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      continue;
    }
    if (in_block && !line.empty()) commands.push_back(line);
  }
  return commands;
}

}  // namespace

TEST(ReadmeCommands, QuickStartHasExactlyTwoCommandsAndCiRunsTheTestOne) {
  const std::string readme = readFile(REVCOL_SOURCE_DIR "/README.md");
  ASSERT_NE(readme.find("## Quick start"), std::string::npos);
  const std::vector<std::string> commands = quickStartCommands(readme);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_NE(commands[0].find("revcol-studio"), std::string::npos) << commands[0];
  EXPECT_NE(commands[1].find("ctest"), std::string::npos) << commands[1];

  const std::string ci = readFile(REVCOL_SOURCE_DIR "/.ci/run");
  EXPECT_NE(ci.find("\n" + commands[1] + "\n"), std::string::npos) << "CI does not run: " << commands[1];
}
