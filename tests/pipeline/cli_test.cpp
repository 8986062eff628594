// revcol-cli end to end on the classification fixtures: what a user types, what comes out.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "revcol/npy.h"

namespace fs = std::filesystem;

namespace {

CliRun cli(const std::string& arguments, const std::string& err_file = "/dev/null") {
  return runRevcolCli(arguments, "2>" + err_file);
}

const std::string kData = REVCOL_TEST_DATA;
const std::string kCkpt = kData + "/cls/cls_revcol_s4_k3.pth";
const std::string kImage = kData + "/cls/cls_input_224.png";

}  // namespace

TEST(Cli, InfoJsonDescribesTheArchitectureFromTheWeights) {
  CliRun r = cli("info --json " + kCkpt);
  ASSERT_EQ(r.status, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["channels"], nlohmann::json({16, 32, 64, 128}));
  EXPECT_EQ(j["layers"], nlohmann::json({1, 1, 2, 1}));
  EXPECT_EQ(j["columns"], 4);
  EXPECT_EQ(j["num_classes"], 1000);
  EXPECT_EQ(j["head"], "cls_blocks");
  EXPECT_EQ(j["weights"], "model");
}

TEST(Cli, InfoNamesTheDetectionAndSegmentationHeads) {
  CliRun det = cli("info --json " + kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth");
  ASSERT_EQ(det.status, 0);
  auto d = nlohmann::json::parse(det.out);
  EXPECT_EQ(d["task"], "detection");
  EXPECT_EQ(d["task_heads"]["stages"], 3);
  EXPECT_EQ(d["task_heads"]["num_classes"], 80);
  EXPECT_EQ(d["task_heads"]["with_mask"], true);
  CliRun seg = cli("info " + kData + "/seg/seg_upernet_revcol_shrunk.pth");
  ASSERT_EQ(seg.status, 0);
  EXPECT_NE(seg.out.find("UPerNet"), std::string::npos) << seg.out;
  EXPECT_NE(seg.out.find("150 classes"), std::string::npos) << seg.out;
}

TEST(Cli, ClassifyMatchesTheOfficialTopFive) {
  // cls_expected.json (official code, same input as ToTensor+Normalize): last head top-5.
  CliRun r = cli("classify --checkpoint " + kCkpt + " --preprocess none --json " + kImage);
  ASSERT_EQ(r.status, 0);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  auto top = j[0]["heads"].back()["top"];
  std::vector<int> got;
  for (auto& t : top) got.push_back(t["index"]);
  EXPECT_EQ(got, (std::vector<int>{974, 69, 972, 123, 640}));
  EXPECT_EQ(top[0]["name"], "geyser");
  EXPECT_EQ(j[0]["heads"].size(), 4u);
}

TEST(Cli, AnalyzeWritesSummaryPngsAndRawArrays) {
  const fs::path out = fs::temp_directory_path() / "revcol_cli_analyze_test";
  fs::remove_all(out);
  CliRun r = cli("analyze --checkpoint " + kCkpt + " --preprocess none --raw --out " + out.string() + " " + kImage);
  ASSERT_EQ(r.status, 0) << r.out;
  auto s = nlohmann::json::parse(readAll(out / "summary.json"));
  EXPECT_EQ(s["heads"].size(), 4u);
  // step + chain in fp32 and fp64, each covering columns 0..2 recovered from 1..3.
  EXPECT_EQ(s["reconstruction"].size(), 4u);
  for (auto& rec : s["reconstruction"]) EXPECT_EQ(rec["columns"].size(), 3u);
  EXPECT_EQ(s["alphas"].size(), 4u);
  // Numeric levels stay (scripts read them); the names are the ones the studio shows.
  EXPECT_EQ(s["level_name"], nlohmann::json({"c0 (1/4)", "c1 (1/8)", "c2 (1/16)", "c3 (1/32)"}));
  EXPECT_EQ(s["alphas"][1]["levels"][3]["level"], 3);
  EXPECT_EQ(s["alphas"][1]["levels"][3]["level_name"], "c3 (1/32)");
  EXPECT_EQ(s["reconstruction"][0]["columns"][0]["levels"][1]["level"], 1);
  EXPECT_EQ(s["reconstruction"][0]["columns"][0]["levels"][1]["level_name"], "c1 (1/8)");
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 4; ++l) {
      const std::string name = "col" + std::to_string(c) + "_level" + std::to_string(l);
      EXPECT_TRUE(fs::exists(out / "features" / (name + ".png"))) << name;
      revcol::FloatArray a = revcol::loadNpy((out / "raw" / (name + ".npy")).string());
      const int64_t stride = 4 << l;
      EXPECT_EQ(a.shape, (std::vector<int64_t>{16 << l, 224 / stride, 224 / stride})) << name;
    }
  revcol::FloatArray logits = revcol::loadNpy((out / "raw" / "head3_logits.npy").string());
  EXPECT_EQ(logits.shape, (std::vector<int64_t>{1000}));
  revcol::FloatArray decoder = revcol::loadNpy((out / "raw" / "decoder0.npy").string());
  EXPECT_EQ(decoder.shape, (std::vector<int64_t>{3, 224, 224}));
  EXPECT_TRUE(fs::exists(out / "decoders" / "decoder2.png"));
  fs::remove_all(out);
}

TEST(Cli, BadInputGivesOneLineAndNonZeroExit) {
  const std::string err = (fs::temp_directory_path() / "revcol_cli_err.txt").string();
  for (const std::string& args :
       {std::string("info /nonexistent.pth"), "classify --checkpoint " + kCkpt + " /nonexistent.png",
        "classify --checkpoint " + kData + "/cls/cls_input_224.png " + kImage,
        "analyze --checkpoint " + kCkpt + " --precision fp16 --out /tmp/x " + kImage, std::string("frobnicate")}) {
    CliRun r = cli(args, err);
    EXPECT_NE(r.status, 0) << args;
    const std::string msg = readAll(err);
    EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 1) << args << " -> " << msg;
    EXPECT_EQ(msg.rfind("revcol-cli: ", 0), 0u) << msg;
  }
  fs::remove(err);
}

TEST(Cli, HelpListsEveryCommandItRuns) {
  CliRun r = cli("help");
  ASSERT_EQ(r.status, 0);
  for (const char* command : {"info", "classify", "analyze", "detect", "segment", "export"})
    EXPECT_NE(r.out.find(std::string("\n  ") + command + " "), std::string::npos) << command << " missing:\n" << r.out;
  // Every kind of output export can write, and every way to pick frames.
  for (const char* option : {"overlay,features,errors,raw,cka", "--start", "--end", "--recursive", "--no-video"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option << " missing:\n" << r.out;
}

TEST(Cli, CommandHelpPrintsThatCommandsUsage) {
  for (const std::string command : {"classify", "detect", "export"}) {
    CliRun r = cli(command + " --help");
    EXPECT_EQ(r.status, 0) << command;
    EXPECT_EQ(r.out.rfind("usage: revcol-cli " + command + " ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("common options"), std::string::npos) << r.out;
  }
  CliRun r = cli("export -h");
  EXPECT_NE(r.out.find("--what overlay,features,errors,raw,cka"), std::string::npos) << r.out;
}

TEST(Cli, ACommandWithoutItsInputsGivesItsUsageOnOneLine) {
  const std::string err = (fs::temp_directory_path() / "revcol_cli_usage_err.txt").string();
  CliRun r = cli("export --checkpoint " + kCkpt + " --out /tmp/x", err);
  EXPECT_NE(r.status, 0);
  const std::string msg = readAll(err);
  EXPECT_EQ(msg.rfind("revcol-cli: usage: revcol-cli export --checkpoint CKPT", 0), 0u) << msg;
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 1) << msg;  // the help's three lines joined
  EXPECT_NE(msg.find("[--quiet] INPUT..."), std::string::npos) << msg;
  fs::remove(err);
}

TEST(Cli, AModelCardBesideTheCheckpointSetsTheInputSizeUnlessTheUserDoes) {
  // A copy of the fixture with a card saying it was trained on 96 x 96 images.
  const fs::path dir = fs::temp_directory_path() / "revcol_cli_card_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path ckpt = dir / "carded.pth";
  fs::copy_file(kCkpt, ckpt);
  std::ofstream(ckpt.string() + ".json") << R"({"task": "classification", "image_size": 96})";

  CliRun text = cli("classify --checkpoint " + ckpt.string() + " " + kImage);
  ASSERT_EQ(text.status, 0);
  EXPECT_EQ(text.out.rfind("input warped to 96 x 96, the size the model card carded.pth.json names", 0), 0u)
      << text.out;

  // What `classify --json OPTIONS` records as the image's preprocessing.
  auto preprocessOf = [&](const std::string& options) {
    CliRun r = cli("classify --json " + options + " --checkpoint " + ckpt.string() + " " + kImage);
    EXPECT_EQ(r.status, 0) << options;
    return r.status == 0 ? nlohmann::json::parse(r.out)[0]["preprocess"] : nlohmann::json();
  };
  const nlohmann::json carded = preprocessOf("");
  EXPECT_EQ(carded["name"], "model-card");
  EXPECT_EQ(carded["resize"], "warp");
  EXPECT_EQ(carded["size"], 96);
  // --size or --preprocess: the user's choice wins, and no note.
  const nlohmann::json sized = preprocessOf("--size 224");
  EXPECT_EQ(sized["name"], "imagenet");
  EXPECT_EQ(sized["resize"], "center_crop");
  EXPECT_EQ(sized["size"], 224);
  CliRun none = cli("classify --preprocess none --checkpoint " + ckpt.string() + " " + kImage);
  ASSERT_EQ(none.status, 0);
  EXPECT_EQ(none.out.find("warped"), std::string::npos) << none.out;

  // analyze feeds the model the warped image and records it.
  const fs::path out = dir / "analysis";
  CliRun a = cli("analyze --raw --checkpoint " + ckpt.string() + " --out " + out.string() + " " + kImage);
  ASSERT_EQ(a.status, 0) << a.out;
  EXPECT_NE(a.out.find("input warped to 96 x 96"), std::string::npos) << a.out;
  auto summary = nlohmann::json::parse(readAll(out / "summary.json"));
  EXPECT_EQ(summary["preprocess"]["name"], "model-card");
  EXPECT_EQ(summary["preprocess"]["input_shape"], (std::vector<int64_t>{3, 96, 96}));
  EXPECT_EQ(revcol::loadNpy((out / "raw" / "col0_level0.npy").string()).shape, (std::vector<int64_t>{16, 24, 24}));
  fs::remove_all(dir);
}
