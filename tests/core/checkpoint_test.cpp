// Checkpoint reader against files written by torch.save (tests/data/checkpoints/
// make_checkpoint_fixtures.py) and the mmdet fixture from the upstream code.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "checkpoint/checkpoint.h"
#include "revcol/error.h"

namespace {

const std::string kDir = std::string(REVCOL_TEST_DATA) + "/checkpoints/";

const nlohmann::json& expected() {
  static const nlohmann::json j = [] {
    std::ifstream in(kDir + "expected.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

std::string dtypeName(torch::ScalarType t) {
  static const std::map<torch::ScalarType, std::string> names = {
      {torch::kFloat32, "float32"},   {torch::kFloat64, "float64"}, {torch::kFloat16, "float16"},
      {torch::kBFloat16, "bfloat16"}, {torch::kInt64, "int64"},     {torch::kInt32, "int32"},
      {torch::kInt16, "int16"},       {torch::kInt8, "int8"},       {torch::kUInt8, "uint8"},
      {torch::kBool, "bool"}};
  auto it = names.find(t);
  return it == names.end() ? "?" : it->second;
}

// Names, shapes, dtypes, layout and values as Python saw them. Sums are exact for the small
// integers and within float rounding (summed in double on both sides) for the rest.
void expectTensors(const std::vector<revcol::NamedTensor>& got, const nlohmann::json& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& w = want[i];
    const torch::Tensor& t = got[i].tensor;
    SCOPED_TRACE(got[i].name);
    EXPECT_EQ(got[i].name, w["name"].get<std::string>());
    EXPECT_EQ(t.sizes().vec(), w["shape"].get<std::vector<int64_t>>());
    EXPECT_EQ(dtypeName(t.scalar_type()), w["dtype"].get<std::string>());
    EXPECT_EQ(t.is_contiguous(), w["contiguous"].get<bool>());
    EXPECT_EQ(t.storage_offset(), w["storage_offset"].get<int64_t>());
    const torch::Tensor flat = t.reshape(-1).to(torch::kFloat64);
    const double sum = flat.numel() ? flat.sum().item<double>() : 0.0;
    EXPECT_NEAR(sum, w["sum"].get<double>(), 1e-9 * (1 + std::abs(sum)));
    const auto first = w["first"].get<std::vector<double>>();
    for (size_t k = 0; k < first.size(); ++k) EXPECT_EQ(flat[static_cast<int64_t>(k)].item<double>(), first[k]);
  }
}

void expectCheckpoint(const std::string& file) {
  SCOPED_TRACE(file);
  const auto& want = expected()[file];
  const revcol::Checkpoint ck = revcol::readCheckpoint(kDir + file);
  EXPECT_EQ(ck.file, kDir + file);
  EXPECT_EQ(ck.weights_source, want["weights_source"].get<std::string>());
  EXPECT_EQ(ck.has_ema, want["has_ema"].get<bool>());
  EXPECT_EQ(ck.top_level_keys, want["top_level_keys"].get<std::vector<std::string>>());
  expectTensors(ck.state_dict, want["tensors"]);
}

// The message names the file and contains `what`.
void expectError(const std::string& path, const std::string& what) {
  try {
    revcol::readCheckpoint(path);
    ADD_FAILURE() << path << " loaded";
  } catch (const revcol::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("revcol_ckpt_test_" + name)).string();
}

void writeFile(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CheckpointLayouts, OfficialReleaseWithEma) {
  expectCheckpoint("cls_with_ema.pth");
  const auto ck = revcol::readCheckpoint(kDir + "cls_with_ema.pth", revcol::WeightsChoice::Ema);
  EXPECT_EQ(ck.weights_source, "model_ema");
  EXPECT_TRUE(ck.has_ema);
  expectTensors(ck.state_dict, expected()["cls_with_ema.pth"]["ema_tensors"]);
}

TEST(CheckpointLayouts, MmcvStateDictWithMeta) {
  expectCheckpoint("mmcv_meta.pth");
  const auto ck = revcol::readCheckpoint(kDir + "mmcv_meta.pth");
  const auto& want = expected()["mmcv_meta.pth"];
  EXPECT_EQ(ck.class_names, want["class_names"].get<std::vector<std::string>>());
  EXPECT_EQ(ck.config_text, want["config_text"].get<std::string>());
  EXPECT_EQ(ck.state_dict.front().name, "backbone.0.weight");  // 'backbone.' is the model's business
}

TEST(CheckpointLayouts, BareStateDict) { expectCheckpoint("bare_state_dict.pth"); }

TEST(CheckpointLayouts, DataParallelPrefixIsStripped) {
  expectCheckpoint("dataparallel.pth");
  EXPECT_EQ(revcol::readCheckpoint(kDir + "dataparallel.pth").top_level_keys.front(), "module.0.weight");
}

TEST(CheckpointLayouts, PickleProtocol4) { expectCheckpoint("protocol4.pth"); }

TEST(CheckpointLayouts, EmaMissingIsAnError) {
  for (const char* file : {"mmcv_meta.pth", "bare_state_dict.pth"}) {
    const std::string path = kDir + file;
    try {
      revcol::readCheckpoint(path, revcol::WeightsChoice::Ema);
      ADD_FAILURE() << file;
    } catch (const revcol::Error& e) {
      EXPECT_NE(std::string(e.what()).find(path + ": no 'model_ema' weights"), std::string::npos) << e.what();
    }
  }
}

TEST(CheckpointTensors, EveryDtypeViewsAndNesting) {
  const auto tensors = revcol::readTensorFile(kDir + "dtypes_and_views.pth");
  expectTensors(tensors, expected()["dtypes_and_views.pth"]["tensors"]);
}

TEST(CheckpointTensors, ViewsShareOneStorage) {
  std::map<std::string, torch::Tensor> t;
  for (const auto& nt : revcol::readTensorFile(kDir + "dtypes_and_views.pth")) t[nt.name] = nt.tensor;
  const torch::Tensor base = t.at("view.base");
  for (const char* name : {"view.transposed", "view.offset", "view.strided", "view.expanded"}) {
    EXPECT_TRUE(t.at(name).storage().is_alias_of(base.storage())) << name;
  }
  EXPECT_TRUE(torch::equal(t.at("view.transposed"), base.view({6, 10}).t()));
  EXPECT_TRUE(torch::equal(t.at("view.offset"), base.slice(0, 10, 30).view({4, 5})));
  EXPECT_EQ(t.at("view.expanded").strides().vec(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(t.at("int64")[0].item<int64_t>(), -(int64_t{1} << 40));
  EXPECT_EQ(t.at("bool").sum().item<int64_t>(), 2);
}

TEST(CheckpointErrors, LegacyFormatIsNamed) {
  expectError(kDir + "legacy.pth", "legacy torch.save format (PyTorch < 1.6); re-save it with a newer PyTorch");
}

TEST(CheckpointErrors, NoStateDict) {
  expectError(kDir + "not_revcol.pth", "no state dict found");
  expectError(kDir + "pickled_module.pth", "not a dict");
  try {
    revcol::readTensorFile(kDir + "not_revcol.pth");  // a dict without tensors is fine for tools
  } catch (const revcol::Error& e) {
    ADD_FAILURE() << e.what();
  }
}

TEST(CheckpointErrors, ReduceOfUnknownGlobalIsNeverExecuted) {
  const std::string marker = "/tmp/revcol_checkpoint_pwned";
  std::remove(marker.c_str());
  expectCheckpoint("evil.pth");
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(CheckpointErrors, MissingEmptyDirectoryNonZip) {
  expectError(kDir + "does_not_exist.pth", "no such file");
  expectError(kDir, "is a directory");
  const std::string empty = tempPath("empty.pth");
  writeFile(empty, "");
  expectError(empty, "empty file");
  const std::string text = tempPath("text.pth");
  writeFile(text, "model = dict(type='RevCol')\n");
  expectError(text, "not a zip archive");
  std::filesystem::remove(empty);
  std::filesystem::remove(text);
}

TEST(CheckpointErrors, TruncatedZip) {
  const std::string bytes = readFile(kDir + "bare_state_dict.pth");
  const std::string cut = tempPath("truncated.pth");
  writeFile(cut, bytes.substr(0, bytes.size() / 2));
  expectError(cut, "not a readable torch.save zip archive");
  std::filesystem::remove(cut);
}

// A storage record shorter than the storage claims, built by renaming a record of another file.
TEST(CheckpointErrors, MissingRecord) {
  std::string bytes = readFile(kDir + "evil.pth");
  // Rename every occurrence of the record name "data/0" (local and central headers) to "data/X".
  size_t renamed = 0;
  for (size_t pos = bytes.find("/data/0"); pos != std::string::npos; pos = bytes.find("/data/0", pos + 1)) {
    bytes[pos + 6] = 'X';
    ++renamed;
  }
  ASSERT_EQ(renamed, 2u);
  const std::string path = tempPath("missing_record.pth");
  writeFile(path, bytes);
  expectError(path, "missing record data/0");
  std::filesystem::remove(path);
}

TEST(CheckpointDetection, MmdetFixtureLoads) {
  const std::string path = std::string(REVCOL_TEST_DATA) + "/det_cascade_mask_rcnn_revcol_shrunk.pth";
  const revcol::Checkpoint ck = revcol::readCheckpoint(path);
  EXPECT_EQ(ck.weights_source, "state_dict");
  ASSERT_EQ(ck.class_names.size(), 80u);
  EXPECT_EQ(ck.class_names.front(), "person");
  EXPECT_FALSE(ck.config_text.empty());
  EXPECT_NE(ck.config_text.find("CascadeRCNN"), std::string::npos);
  std::map<std::string, torch::Tensor> sd;
  for (const auto& nt : ck.state_dict) sd[nt.name] = nt.tensor;
  ASSERT_EQ(sd.size(), ck.state_dict.size());
  ASSERT_TRUE(sd.count("backbone.stem.0.weight"));
  EXPECT_EQ(sd.at("backbone.stem.0.weight").sizes().vec(), (std::vector<int64_t>{8, 3, 4, 4}));
  EXPECT_TRUE(torch::isfinite(sd.at("backbone.stem.0.weight")).all().item<bool>());
}

// A shapes-only read (what checkpointTask uses to pick a loader) sees every name, shape, type and
// piece of metadata a full read sees, and holds no data.
TEST(CheckpointShapesOnly, SameNamesShapesTypesAndMetadataAsAFullReadWithoutData) {
  for (const std::string& path :
       {kDir + "cls_with_ema.pth", kDir + "mmcv_meta.pth", kDir + "dtypes_and_views.pth", kDir + "dataparallel.pth",
        std::string(REVCOL_TEST_DATA) + "/det_cascade_mask_rcnn_revcol_shrunk.pth"}) {
    SCOPED_TRACE(path);
    const revcol::Checkpoint full = revcol::readCheckpoint(path);
    const revcol::Checkpoint shapes =
        revcol::readCheckpoint(path, revcol::WeightsChoice::Auto, revcol::TensorData::ShapesOnly);
    EXPECT_EQ(shapes.weights_source, full.weights_source);
    EXPECT_EQ(shapes.has_ema, full.has_ema);
    EXPECT_EQ(shapes.top_level_keys, full.top_level_keys);
    EXPECT_EQ(shapes.class_names, full.class_names);
    EXPECT_EQ(shapes.config_text, full.config_text);
    ASSERT_EQ(shapes.state_dict.size(), full.state_dict.size());
    for (size_t i = 0; i < full.state_dict.size(); ++i) {
      const torch::Tensor &a = shapes.state_dict[i].tensor, &b = full.state_dict[i].tensor;
      EXPECT_EQ(shapes.state_dict[i].name, full.state_dict[i].name);
      EXPECT_EQ(a.sizes(), b.sizes()) << full.state_dict[i].name;
      EXPECT_EQ(a.scalar_type(), b.scalar_type()) << full.state_dict[i].name;
      EXPECT_TRUE(a.is_meta()) << full.state_dict[i].name;
    }
  }
}

TEST(CheckpointShapesOnly, ReduceOfUnknownGlobalIsNeverExecuted) {
  const std::string marker = "/tmp/revcol_checkpoint_pwned";
  std::remove(marker.c_str());
  const revcol::Checkpoint ck =
      revcol::readCheckpoint(kDir + "evil.pth", revcol::WeightsChoice::Auto, revcol::TensorData::ShapesOnly);
  EXPECT_FALSE(ck.state_dict.empty());
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(CheckpointShapesOnly, BadFilesFailAsInAFullRead) {
  try {
    revcol::readCheckpoint(kDir + "legacy.pth", revcol::WeightsChoice::Auto, revcol::TensorData::ShapesOnly);
    ADD_FAILURE() << "legacy.pth loaded";
  } catch (const revcol::Error& e) {
    EXPECT_NE(std::string(e.what()).find("legacy.pth"), std::string::npos) << e.what();
  }
}

}  // namespace
