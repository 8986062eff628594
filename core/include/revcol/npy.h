#pragma once
// NumPy .npy files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
//
// Writing: format 1.0, dtype '<f4', C order; the header is byte for byte what numpy 1.24's np.save
// writes for the same float32 array (including the spare spaces numpy leaves for growing the first
// axis), padded so the data starts at a multiple of 64 bytes. Files are written atomically.
//
// Reading: format 1.0, 2.0 and 3.0; dtypes <f4, <f8, <i8, <i4 and |u1, C or Fortran order. Every
// value is converted to float (float64 and int64 values beyond float's precision are rounded). A
// 0-d array reads as shape {1} (FloatArray has no 0-d form). Anything else, and every malformed
// header or size, is a revcol::Error naming the file.
#include <string>
#include <string_view>

#include "revcol/float_array.h"

namespace revcol {

// The complete .npy file for `array` ('<f4', C order). The shape must be non-empty, with no
// negative dimension, and hold exactly values.size() elements.
std::string npyBytes(const FloatArray& array);

// Writes npyBytes(array) to path through a temp file and a rename.
void saveNpy(const std::string& path, const FloatArray& array);

// Parses the bytes of a .npy file; `name` (usually the path) is used in error messages.
FloatArray parseNpy(std::string_view bytes, const std::string& name);

// Reads and parses a .npy file.
FloatArray loadNpy(const std::string& path);

}  // namespace revcol
