#pragma once
// One name for a RevCol level wherever a person reads it: window labels, CLI figures and sidecars.
#include <string>

namespace revcol {

// "c2 (1/16)": level l of a RevCol column is c_l, at stride 4 << l (1/4, 1/8, 1/16, 1/32 of the
// input). Levels outside 0..3 (no RevCol has them) still get "c<l>" with their stride when it is
// defined, so a caller never needs a special case.
std::string levelName(int level);

}  // namespace revcol
