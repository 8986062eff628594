#include <revcol/classification_metrics.h>
#include <revcol/error.h>
#include <revcol/frame_source.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace fs = std::filesystem;

namespace revcol {
namespace {

// "T-shirt/top" and "t-shirt-top" alike: lower case, separators dropped.
std::string foldName(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (c != ' ' && c != '-' && c != '_' && c != '/') out.push_back(char(std::tolower(c)));
  return out;
}

int classOfFolder(const std::string& name, const std::vector<std::string>& class_names, const std::string& root) {
  size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits > 0 && digits <= 9 && (digits == name.size() || name[digits] == '_' || name[digits] == '-')) {
    const int index = std::stoi(name.substr(0, digits));
    if (index >= int(class_names.size()))
      throw Error("sub-folder " + name + " of " + root + " names class " + std::to_string(index) +
                  ", but the model has " + std::to_string(class_names.size()) + " classes");
    return index;
  }
  for (size_t k = 0; k < class_names.size(); ++k)
    if (foldName(class_names[k]) == foldName(name)) return int(k);
  throw Error("sub-folder " + name + " of " + root +
              " names no class of this model (name folders by class index, e.g. 3_dress, or by class name)");
}

}  // namespace

std::vector<LabelledImage> labelledImages(const std::string& root, const std::vector<std::string>& class_names) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw Error(root + " is not a folder");
  std::vector<LabelledImage> out;
  for (const fs::directory_entry& dir : fs::directory_iterator(root, ec)) {
    if (!dir.is_directory(ec)) continue;
    const std::string name = dir.path().filename().string();
    std::vector<std::string> files;
    for (const fs::directory_entry& f : fs::directory_iterator(dir.path(), ec))
      if (f.is_regular_file(ec) && isImageFileName(f.path().string())) files.push_back(f.path().string());
    if (files.empty()) continue;
    const int label = classOfFolder(name, class_names, root);
    for (std::string& f : files) out.push_back({std::move(f), label, name});
  }
  if (ec) throw Error("cannot list " + root + ": " + ec.message());
  if (out.empty())
    throw Error(root + " holds no class sub-folders with images (expected e.g. " + root + "/3_dress/*.png)");
  std::sort(out.begin(), out.end(), [](const LabelledImage& a, const LabelledImage& b) { return a.path < b.path; });
  return out;
}

void TopKAccuracy::add(const std::vector<int64_t>& ranked, int label) {
  if (ranked.empty()) throw Error("a head gave no classes");
  ++count_;
  if (ranked[0] == label) ++top1_;
  if (std::find(ranked.begin(), ranked.begin() + std::min<size_t>(5, ranked.size()), label) !=
      ranked.begin() + std::min<size_t>(5, ranked.size()))
    ++top5_;
}

}  // namespace revcol
