// Damaged and crafted checkpoints: every read either succeeds or throws revcol::Error. Crafted
// pickles are wrapped in a valid zip (PyTorchStreamWriter) so they reach the pickle machine past
// the zip's CRC checks.
#include <gtest/gtest.h>

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "checkpoint/checkpoint.h"
#include "revcol/error.h"

namespace {

const std::string kDir = std::string(REVCOL_TEST_DATA) + "/checkpoints/";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("revcol_ckpt_fuzz_" + name)).string();
}

void writeFile(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

using Records = std::map<std::string, std::string>;

Records readRecords(const std::string& path) {
  caffe2::serialize::PyTorchStreamReader reader(path);
  Records out;
  for (const std::string& name : reader.getAllRecords()) {
    if (name == "version" || name == ".data/version") continue;  // the writer adds its own
    auto [data, size] = reader.getRecord(name);
    out[name] = std::string(static_cast<const char*>(data.get()), size);
  }
  return out;
}

std::string zip(const Records& records) {
  std::string out;
  {
    caffe2::serialize::PyTorchStreamWriter writer([&out](const void* p, size_t n) {
      out.append(static_cast<const char*>(p), n);
      return n;
    });
    for (const auto& [name, bytes] : records) writer.writeRecord(name, bytes.data(), bytes.size());
    writer.writeEndOfFile();
  }
  return out;
}

// Outcome of reading one damaged file with both entry points: "ok", or "error", or a failure.
::testing::AssertionResult readsOrThrowsError(const std::string& path) {
  for (int entry = 0; entry < 2; ++entry) {
    try {
      if (entry == 0) {
        revcol::readCheckpoint(path);
      } else {
        revcol::readTensorFile(path);
      }
    } catch (const revcol::Error& e) {
      if (std::string(e.what()).find(path) == std::string::npos) {
        return ::testing::AssertionFailure() << "message does not name the file: " << e.what();
      }
    } catch (const std::exception& e) {
      return ::testing::AssertionFailure() << "escaped: " << e.what();
    } catch (...) {
      return ::testing::AssertionFailure() << "non-std exception escaped";
    }
  }
  return ::testing::AssertionSuccess();
}

// --- little pickle writer for crafted streams ---
// A string of every byte of a literal, embedded NULs included.
template <size_t N>
std::string B(const char (&s)[N]) {
  return std::string(s, N - 1);
}
std::string le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
std::string str(const std::string& s) { return "X" + le32(static_cast<uint32_t>(s.size())) + s; }
std::string num(int64_t v) {
  std::string s = "\x8a\x08";
  for (int i = 0; i < 8; ++i) s += static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
  return s;
}
std::string ints(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (int64_t x : v) s += num(x);
  return s + "t";
}
std::string storage(const std::string& type, const std::string& key, int64_t numel) {
  return "(" + str("storage") + "ctorch\n" + type + "\n" + str(key) + str("cpu") + num(numel) + "tQ";
}
std::string tensor(const std::string& storage_pickle, int64_t offset, const std::vector<int64_t>& size,
                   const std::vector<int64_t>& stride) {
  return "ctorch._utils\n_rebuild_tensor_v2\n(" + storage_pickle + num(offset) + ints(size) + ints(stride) +
         "\x89"
         "ccollections\nOrderedDict\n)Rt"
         "R";
}
// {'model': {'w': <tensor>}} in protocol 2
std::string modelWith(const std::string& tensor_pickle) {
  return "\x80\x02}" + str("model") + "}" + str("w") + tensor_pickle + "ss.";
}

std::string craft(const std::string& name, const std::string& pkl, const Records& extra = {}) {
  Records r = extra;
  r["data.pkl"] = pkl;
  const std::string path = tempPath(name);
  writeFile(path, zip(r));
  return path;
}

std::string errorOf(const std::string& path) {
  try {
    revcol::readCheckpoint(path);
  } catch (const revcol::Error& e) {
    return e.what();
  }
  return "(no error)";
}

const Records kFourFloats = {{"data/0", std::string(16, '\0')}};

TEST(CheckpointCrafted, ValidCraftedTensorLoads) {
  const auto path = craft("ok.pth", modelWith(tensor(storage("FloatStorage", "0", 4), 1, {3}, {1})), kFourFloats);
  const auto ck = revcol::readCheckpoint(path);
  ASSERT_EQ(ck.state_dict.size(), 1u);
  EXPECT_EQ(ck.state_dict[0].tensor.numel(), 3);
  std::filesystem::remove(path);
}

TEST(CheckpointCrafted, DataPklOneFolderDeeper) {
  const auto path = tempPath("nested_folder.pth");
  writeFile(path, zip({{"inner/data.pkl", modelWith(tensor(storage("FloatStorage", "0", 4), 0, {2, 2}, {1, 2}))},
                       {"inner/data/0", std::string(16, '\0')}}));
  const auto ck = revcol::readCheckpoint(path);
  ASSERT_EQ(ck.state_dict.size(), 1u);
  EXPECT_EQ(ck.state_dict[0].tensor.strides().vec(), (std::vector<int64_t>{1, 2}));
  std::filesystem::remove(path);
}

TEST(CheckpointCrafted, SizesAndOffsetsAreCheckedAgainstTheStorage) {
  struct Case {
    std::string name, pkl, what;
  };
  const std::string s4 = storage("FloatStorage", "0", 4);
  const std::vector<Case> cases = {
      {"record_short", modelWith(tensor(storage("FloatStorage", "0", 1000), 0, {1000}, {1})), "holds 16 bytes"},
      {"huge_numel", modelWith(tensor(storage("FloatStorage", "0", int64_t{1} << 61), 0, {1}, {1})), "holds 16 bytes"},
      {"neg_numel", modelWith(tensor(storage("FloatStorage", "0", -1), 0, {1}, {1})), "negative"},
      {"past_end", modelWith(tensor(s4, 2, {3}, {1})), "reaches past its storage"},
      {"stride_past_end", modelWith(tensor(s4, 0, {2, 2}, {3, 1})), "reaches past its storage"},
      {"neg_size", modelWith(tensor(s4, 0, {-1}, {1})), "negative"},
      {"neg_offset", modelWith(tensor(s4, -1, {1}, {1})), "negative"},
      {"overflow", modelWith(tensor(s4, 0, {int64_t{1} << 62, 4}, {0, 0})), "overflows"},
      {"expanded_huge", modelWith(tensor(s4, 0, {int64_t{1} << 40}, {0})), "claims"},
      {"rank_mismatch", modelWith(tensor(s4, 0, {2, 2}, {1})), "differ in length"},
      {"missing_record", modelWith(tensor(storage("FloatStorage", "7", 4), 0, {1}, {1})), "missing record data/7"},
      {"bad_type", modelWith(tensor(storage("QInt8Storage", "0", 4), 0, {1}, {1})), "unsupported storage type"},
      {"two_dtypes",
       modelWith("(" + tensor(s4, 0, {1}, {1}) + tensor(storage("IntStorage", "0", 4), 0, {1}, {1}) + "t"),
       "two different types"},
      {"not_storage",
       modelWith(B("ctorch._utils\n_rebuild_tensor_v2\n(K\x01K\x00)))t"
                   "R")),
       "not a storage"},
      {"pid_junk", modelWith("NQ"), "not a storage reference"},
  };
  for (const auto& c : cases) {
    const auto path = craft(c.name + ".pth", c.pkl, kFourFloats);
    const std::string msg = errorOf(path);
    EXPECT_NE(msg.find(c.what), std::string::npos) << c.name << ": " << msg;
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    std::filesystem::remove(path);
  }
}

TEST(CheckpointCrafted, CyclesAndDeepNesting) {
  // {'model': <list that holds itself>} and 100 nested dicts holding a tensor at the bottom.
  const auto cyc = craft("cycle.pth", "\x80\x02}" + str("model") +
                                          B("]q\x00h\x00"
                                            "as."));
  EXPECT_NE(errorOf(cyc).find("not a state dict"), std::string::npos) << errorOf(cyc);
  EXPECT_NO_THROW(revcol::readTensorFile(cyc));
  std::string deep = "\x80\x02";
  for (int i = 0; i < 100; ++i) deep += "}" + str("d");
  deep += tensor(storage("FloatStorage", "0", 4), 0, {1}, {1}) + std::string(100, 's') + ".";
  const auto nested = craft("deep.pth", deep, kFourFloats);
  try {
    revcol::readTensorFile(nested);
    ADD_FAILURE();
  } catch (const revcol::Error& e) {
    EXPECT_NE(std::string(e.what()).find("nested deeper"), std::string::npos) << e.what();
  }
  std::filesystem::remove(cyc);
  std::filesystem::remove(nested);
}

TEST(CheckpointCrafted, NoDataPklOrTorchScript) {
  const auto path = tempPath("nopkl.pth");
  writeFile(path, zip({{"constants.pkl", "\x80\x02)."}}));
  EXPECT_NE(errorOf(path).find("TorchScript"), std::string::npos) << errorOf(path);
  writeFile(path, zip({{"other", "x"}}));
  EXPECT_NE(errorOf(path).find("no data.pkl"), std::string::npos) << errorOf(path);
  std::filesystem::remove(path);
}

// ~1700 damaged variants of a small mmcv-style checkpoint (meta, numpy scalars, optimizer state,
// several dtypes); a fixed seed keeps failures reproducible.
TEST(CheckpointFuzz, TruncatedFlippedAndMutatedFilesNeverCrash) {
  const std::string source = kDir + "mmcv_meta.pth";
  const std::string bytes = readFile(source);
  ASSERT_GT(bytes.size(), 1000u);
  const std::string path = tempPath("fuzz.pth");
  std::mt19937 rng(20240611);

  // Truncation at 250 offsets spread over the file, the last bytes (central directory) densely.
  for (size_t i = 0; i < 250; ++i) {
    const size_t cut = i < 150 ? i * bytes.size() / 150 : bytes.size() - (i - 149);
    writeFile(path, bytes.substr(0, cut));
    ASSERT_TRUE(readsOrThrowsError(path)) << "truncated at " << cut;
  }
  // Single bit flips anywhere in the file (zip headers, CRCs, storages, pickle).
  for (int i = 0; i < 600; ++i) {
    std::string b = bytes;
    const size_t pos = rng() % b.size();
    b[pos] = static_cast<char>(b[pos] ^ (1 << (rng() % 8)));
    writeFile(path, b);
    ASSERT_TRUE(readsOrThrowsError(path)) << "bit flip at " << pos;
  }
  // Mutations of data.pkl and the storages inside a valid zip, so they get past the CRC checks.
  const Records records = readRecords(source);
  const std::string pkl = records.at("data.pkl");
  size_t loaded = 0;
  for (int i = 0; i < 900; ++i) {
    Records r = records;
    std::string& p = r["data.pkl"];
    const size_t pos = rng() % p.size();
    switch (i % 6) {
      case 0:
        p[pos] = static_cast<char>(p[pos] ^ (1 << (rng() % 8)));
        break;
      case 1:
        p[pos] = static_cast<char>(rng() & 0xff);
        break;
      case 2:
        p.resize(pos);
        break;
      case 3:
        p.erase(pos, 1 + rng() % 8);
        break;
      case 4:
        p.insert(pos, 1, static_cast<char>(rng() & 0xff));
        break;
      case 5: {
        auto it = std::next(r.begin(), static_cast<long>(rng() % r.size()));
        it->second.resize(it->second.size() * (rng() % 4) / 4);
        break;
      }
    }
    writeFile(path, zip(r));
    ASSERT_TRUE(readsOrThrowsError(path)) << "mutation " << i;
    try {
      revcol::readTensorFile(path);
      ++loaded;
    } catch (const revcol::Error&) {
    }
  }
  EXPECT_GT(loaded, 0u);  // some mutations are harmless; the fuzzing reached past the first error
  std::filesystem::remove(path);
}

}  // namespace
