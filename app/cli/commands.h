#pragma once
// One function per revcol-cli command; each returns the process exit code and throws
// revcol::Error for anything the user can fix.
#include <string>
#include <vector>

namespace revcol::cli {

int runInfo(const std::vector<std::string>& args);
int runClassify(const std::vector<std::string>& args);
int runAnalyze(const std::vector<std::string>& args);
int runDetect(const std::vector<std::string>& args);
int runSegment(const std::vector<std::string>& args);
int runExport(const std::vector<std::string>& args);
int runEvaluate(const std::vector<std::string>& args);

}  // namespace revcol::cli
