#include "revcol/class_labels.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "revcol/error.h"

namespace revcol {

std::vector<std::string> readLabelFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read label file " + path);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    names.push_back(line);
  }
  while (!names.empty() && names.back().empty()) names.pop_back();
  if (names.empty()) throw Error("label file " + path + " is empty");
  return names;
}

std::string resourceDir() {
  if (const char* env = std::getenv("REVCOL_RESOURCES"); env && *env) return env;
  // Installed layout (the .deb, cmake --install): <prefix>/bin/<program> next to
  // <prefix>/share/revcol-studio. A build tree has no such folder and falls through to the sources.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "revcol-studio";
    if (std::filesystem::is_directory(installed / "labels", ec)) return installed.string();
  }
  return REVCOL_RESOURCE_DIR;
}

std::vector<std::string> classNamesFor(int64_t num_classes, const std::string& label_file) {
  std::vector<std::string> names;
  if (!label_file.empty()) {
    names = readLabelFile(label_file);
    if (int64_t(names.size()) != num_classes)
      throw Error("label file " + label_file + " has " + std::to_string(names.size()) + " names, the model has " +
                  std::to_string(num_classes) + " classes");
    return names;
  }
  if (num_classes == 1000) return readLabelFile(resourceDir() + "/labels/imagenet1k.txt");
  // The project's demo classifiers (models/demo) are the only 10-class RevCols: Fashion-MNIST's classes.
  if (num_classes == 10) return readLabelFile(resourceDir() + "/labels/fashion_mnist10.txt");
  for (int64_t i = 0; i < num_classes; ++i) names.push_back("class " + std::to_string(i));
  return names;
}

}  // namespace revcol
