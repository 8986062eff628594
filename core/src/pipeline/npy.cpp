#include "revcol/npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "revcol/atomic_file.h"
#include "revcol/error.h"

namespace revcol {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;                // numpy's ARRAY_ALIGN
constexpr size_t kGrowthAxisMaxDigits = 21;  // numpy's GROWTH_AXIS_MAX_DIGITS

static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559, "npy I/O assumes IEEE float32");

bool hostIsLittleEndian() {
  const uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

template <typename T>
T readLittle(const char* p) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (!hostIsLittleEndian())
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

template <typename T>
void appendLittle(std::string& out, T v) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  if (!hostIsLittleEndian())
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  out.append(reinterpret_cast<const char*>(b), sizeof(T));
}

// The header dictionary, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 224, 224), }.
struct Header {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

// A parser for the Python literal numpy writes (and ast.literal_eval would accept for it): exactly
// the three keys, string / bool / tuple-of-int values, any key order, trailing commas allowed.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  Header parse() {
    Header h;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skipSpace();
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') break;
      std::string key = parseString();
      skipSpace();
      expect(':');
      skipSpace();
      if (key == "descr") {
        if (haveDescr) fail("duplicate key 'descr'");
        h.descr = parseString();
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (haveOrder) fail("duplicate key 'fortran_order'");
        h.fortranOrder = parseBool();
        haveOrder = true;
      } else if (key == "shape") {
        if (haveShape) fail("duplicate key 'shape'");
        h.shape = parseShape();
        haveShape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    // numpy pads the header with spaces and ends it with a newline.
    for (; pos_ < s_.size(); ++pos_)
      if (s_[pos_] != ' ' && s_[pos_] != '\n' && s_[pos_] != '\t' && s_[pos_] != '\r')
        fail("unexpected text after the header dictionary");
    if (!haveDescr) fail("missing key 'descr'");
    if (!haveOrder) fail("missing key 'fortran_order'");
    if (!haveShape) fail("missing key 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("cannot read " + name_ + ": malformed .npy header (" + what + " at header byte " +
                std::to_string(pos_) + ")");
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parseString() {
    char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string");
    size_t end = s_.find(q, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    if (out.find('\\') != std::string::npos) fail("escape sequences are not supported");
    pos_ = end + 1;
    return out;
  }
  bool parseBool() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::vector<int64_t> parseShape() {
    std::vector<int64_t> shape;
    expect('(');
    bool needComma = false;  // a 1-tuple must be written (n,)
    while (true) {
      skipSpace();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("expected a non-negative integer dimension");
      int64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) fail("dimension too large");
        v = v * 10 + (s_[pos_++] - '0');
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literal, written by old numpy
      shape.push_back(v);
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        needComma = false;
        continue;
      }
      needComma = shape.size() == 1;
      if (peek() != ')') fail("expected ',' or ')' in the shape");
    }
    if (needComma) fail("a one-dimensional shape needs a trailing comma");
    ++pos_;
    return shape;
  }

  std::string_view s_;
  const std::string& name_;
  size_t pos_ = 0;
};

struct DType {
  enum Kind { F4, F8, I8, I4, U1 } kind;
  size_t size;
};

std::optional<DType> dtypeOf(const std::string& descr) {
  if (descr == "<f4") return DType{DType::F4, 4};
  if (descr == "<f8") return DType{DType::F8, 8};
  if (descr == "<i8") return DType{DType::I8, 8};
  if (descr == "<i4") return DType{DType::I4, 4};
  if (descr == "|u1" || descr == "<u1") return DType{DType::U1, 1};
  return std::nullopt;
}

float valueAt(const char* p, DType::Kind kind) {
  switch (kind) {
    case DType::F4:
      return readLittle<float>(p);
    case DType::F8:
      return static_cast<float>(readLittle<double>(p));
    case DType::I8:
      return static_cast<float>(readLittle<int64_t>(p));
    case DType::I4:
      return static_cast<float>(readLittle<int32_t>(p));
    case DType::U1:
      return static_cast<float>(static_cast<unsigned char>(*p));
  }
  return 0.0f;
}

}  // namespace

namespace {

std::string encodeNpy(const FloatArray& array, const std::string& target) {
  if (array.shape.empty()) throw Error("cannot write " + target + ": the array has no shape");
  uint64_t n = 1;
  for (int64_t d : array.shape) {
    if (d < 0) throw Error("cannot write " + target + ": negative dimension in the shape");
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))
      throw Error("cannot write " + target + ": the shape is too large");
    n *= static_cast<uint64_t>(d);
  }
  if (n != array.values.size())
    throw Error("cannot write " + target + ": the shape holds " + std::to_string(n) + " values but the array has " +
                std::to_string(array.values.size()));

  // Exactly numpy's _write_array_header: sorted keys, repr() of each value, then spare spaces for
  // the first axis to grow to 21 digits.
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i) {
    if (i > 0) dict += ", ";
    dict += std::to_string(array.shape[i]);
  }
  if (array.shape.size() == 1) dict += ",";
  dict += "), }";
  dict.append(kGrowthAxisMaxDigits - std::to_string(array.shape[0]).size(), ' ');

  // numpy's _wrap_header: version 1.0 (16-bit length) unless the header does not fit, then 2.0.
  const size_t hlen = dict.size() + 1;  // + the final newline
  auto padFor = [&](size_t lenBytes) { return kAlign - ((kMagicLen + 2 + lenBytes + hlen) % kAlign); };
  bool v1 = hlen + padFor(2) <= 0xFFFF;
  size_t pad = padFor(v1 ? 2 : 4);

  std::string out;
  out.reserve(kMagicLen + 6 + hlen + pad + array.values.size() * 4);
  out.append(kMagic, kMagicLen);
  out.push_back(static_cast<char>(v1 ? 1 : 2));
  out.push_back(0);
  if (v1)
    appendLittle<uint16_t>(out, static_cast<uint16_t>(hlen + pad));
  else
    appendLittle<uint32_t>(out, static_cast<uint32_t>(hlen + pad));
  out += dict;
  out.append(pad, ' ');
  out.push_back('\n');
  if (hostIsLittleEndian()) {
    out.append(reinterpret_cast<const char*>(array.values.data()), array.values.size() * sizeof(float));
  } else {
    for (float v : array.values) appendLittle<float>(out, v);
  }
  return out;
}

}  // namespace

std::string npyBytes(const FloatArray& array) { return encodeNpy(array, ".npy"); }

void saveNpy(const std::string& path, const FloatArray& array) { writeFileAtomic(path, encodeNpy(array, path)); }

FloatArray parseNpy(std::string_view bytes, const std::string& name) {
  auto fail = [&](const std::string& what) -> Error { return Error("cannot read " + name + ": " + what); };
  if (bytes.size() < kMagicLen || bytes.substr(0, kMagicLen) != std::string_view(kMagic, kMagicLen))
    throw fail("not a .npy file (no \\x93NUMPY magic)");
  if (bytes.size() < kMagicLen + 2) throw fail("file ends inside the .npy header");
  const int major = static_cast<unsigned char>(bytes[kMagicLen]);
  const int minor = static_cast<unsigned char>(bytes[kMagicLen + 1]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    throw fail(".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
               " is not supported (1.0, 2.0 and 3.0 are)");
  size_t lenBytes = major == 1 ? 2 : 4;
  if (bytes.size() < kMagicLen + 2 + lenBytes) throw fail("file ends inside the .npy header");
  const char* lenPtr = bytes.data() + kMagicLen + 2;
  uint64_t headerLen = major == 1 ? readLittle<uint16_t>(lenPtr) : readLittle<uint32_t>(lenPtr);
  const size_t dataStart = kMagicLen + 2 + lenBytes + headerLen;
  if (headerLen > bytes.size() || dataStart > bytes.size())
    throw fail("the .npy header claims " + std::to_string(headerLen) + " bytes but the file has " +
               std::to_string(bytes.size()));
  std::string_view headerText = bytes.substr(kMagicLen + 2 + lenBytes, headerLen);
  if (headerText.empty() || headerText.back() != '\n') throw fail("the .npy header does not end with a newline");
  Header h = HeaderParser(headerText, name).parse();

  std::optional<DType> dt = dtypeOf(h.descr);
  if (!dt)
    throw fail("unsupported .npy dtype '" + h.descr +
               "' (supported: <f4, <f8, <i8, <i4, |u1; big-endian and other types are not)");

  // Count elements without overflow, bounded by what the file can hold, before allocating.
  const uint64_t dataBytes = bytes.size() - dataStart;
  const uint64_t maxElems = dataBytes / dt->size;
  uint64_t n = 1;
  bool fits = true;
  for (int64_t d : h.shape) n = d == 0 ? 0 : n;
  if (n != 0) {
    for (int64_t d : h.shape) {
      const uint64_t ud = static_cast<uint64_t>(d);
      if (ud > maxElems / n) {  // n * ud > maxElems, checked without overflow (n >= 1 here)
        fits = false;
        break;
      }
      n *= ud;
    }
  }
  if (!fits)
    throw fail("file is truncated: the shape needs more data than the " + std::to_string(dataBytes) +
               " bytes after the header");
  if (n * dt->size != dataBytes)
    throw fail(std::to_string(dataBytes - n * dt->size) + " unexpected bytes after the array data");

  FloatArray out;
  out.shape = h.shape.empty() ? std::vector<int64_t>{1} : h.shape;
  out.values.resize(n);
  const char* data = bytes.data() + dataStart;
  if (!h.fortranOrder || h.shape.size() < 2) {
    for (uint64_t i = 0; i < n; ++i) out.values[i] = valueAt(data + i * dt->size, dt->kind);
  } else {
    // Fortran order: the first index varies fastest in the file.
    const size_t nd = h.shape.size();
    std::vector<uint64_t> cStride(nd, 1);
    for (size_t k = nd - 1; k > 0; --k) cStride[k - 1] = cStride[k] * static_cast<uint64_t>(h.shape[k]);
    for (uint64_t f = 0; f < n; ++f) {
      uint64_t rem = f, c = 0;
      for (size_t k = 0; k < nd; ++k) {
        const uint64_t d = static_cast<uint64_t>(h.shape[k]);
        c += (rem % d) * cStride[k];
        rem /= d;
      }
      out.values[c] = valueAt(data + f * dt->size, dt->kind);
    }
  }
  return out;
}

FloatArray loadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path + ": no such file or not readable");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + path + ": I/O error");
  return parseNpy(ss.str(), path);
}

}  // namespace revcol
