#pragma once
#include <string>
#include <string_view>

namespace revcol {

// Writes bytes to path through a temp file in the same folder and a rename, so the file is either
// the old one or the complete new one. Throws revcol::Error naming the file on failure.
void writeFileAtomic(const std::string& path, std::string_view bytes);

}  // namespace revcol
