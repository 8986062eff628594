// Files written by torch::pickle_save (libtorch's torch.save) read back by our safe reader:
// its typed containers arrive wrapped in torch.jit._pickle.restore_type_tag(obj, "Dict[...]").
#include <gtest/gtest.h>
#include <torch/serialize.h>

#include <filesystem>
#include <fstream>

#include "checkpoint/checkpoint.h"

namespace revcol {
namespace {

std::string writeTemp(const std::string& name, const c10::IValue& root) {
  const std::vector<char> bytes = torch::pickle_save(root);
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  return path;
}

TEST(CheckpointPickleSave, ModelDictOfTensorsReadsBackExactly) {
  c10::Dict<std::string, torch::Tensor> sd;
  sd.insert("stem.0.weight", torch::arange(24, torch::kFloat32).view({2, 3, 2, 2}));
  sd.insert("subnet0.alpha0", torch::full({1, 2, 1, 1}, -0.5));
  sd.insert("decode_head.bn.num_batches_tracked", torch::tensor(int64_t(7)));
  c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert("model", sd);
  const std::string path = writeTemp("revcol_pickle_save_model.pth", root);
  const Checkpoint ck = readCheckpoint(path);
  EXPECT_EQ(ck.weights_source, "model");
  ASSERT_EQ(ck.state_dict.size(), 3u);
  EXPECT_EQ(ck.state_dict[0].name, "stem.0.weight");  // insertion order kept
  EXPECT_TRUE(torch::equal(ck.state_dict[0].tensor, sd.at("stem.0.weight")));
  EXPECT_TRUE(torch::equal(ck.state_dict[1].tensor, sd.at("subnet0.alpha0")));
  EXPECT_EQ(ck.state_dict[2].tensor.item<int64_t>(), 7);
  std::filesystem::remove(path);
}

TEST(CheckpointPickleSave, MmsegLayoutWithMetaReadsClassesAndConfig) {
  c10::Dict<std::string, torch::Tensor> sd;
  sd.insert("backbone.stem.0.weight", torch::ones({4, 3, 4, 4}));
  c10::impl::GenericDict meta(c10::StringType::get(), c10::AnyType::get());
  meta.insert("CLASSES", c10::ivalue::Tuple::create({c10::IValue("background"), c10::IValue("Bag")}));
  meta.insert("config", std::string("model = dict(decode_head=dict(pool_scales=(1, 2)))"));
  c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert("meta", meta);
  root.insert("state_dict", sd);
  const std::string path = writeTemp("revcol_pickle_save_mmseg.pth", root);
  const Checkpoint ck = readCheckpoint(path);
  EXPECT_EQ(ck.weights_source, "state_dict");
  ASSERT_EQ(ck.class_names.size(), 2u);
  EXPECT_EQ(ck.class_names[1], "Bag");
  EXPECT_NE(ck.config_text.find("pool_scales=(1, 2)"), std::string::npos);
  ASSERT_EQ(ck.state_dict.size(), 1u);
  EXPECT_EQ(ck.state_dict[0].name, "backbone.stem.0.weight");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace revcol
