// revcol-cli export end to end on the small classification fixture: expected files for a generated
// video, kill + --resume equals an uninterrupted run, shards cover everything exactly once, a
// corrupt image is reported and skipped.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <set>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include "revcol/disentanglement.h"
#include "revcol/image_io.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

extern char** environ;

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kCkpt = std::string(REVCOL_TEST_DATA) + "/cls/cls_revcol_s4_k3.pth";

fs::path freshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Moving shapes, so consecutive frames differ.
cv::Mat syntheticFrame(int i, int w, int h) {
  cv::Mat f(h, w, CV_8UC3, cv::Scalar(30 + 3 * i, 60, 90));
  cv::circle(f, {(5 * i) % w, h / 2}, h / 4, cv::Scalar(240, 200, 20), cv::FILLED);
  cv::rectangle(f, {w / 4, (3 * i) % h}, {w / 2, (3 * i) % h + 10}, cv::Scalar(10, 250, 120), cv::FILLED);
  return f;
}

std::string writeVideo(const fs::path& path, int frames, int w = 64, int h = 64) {
  cv::VideoWriter vw(path.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 10.0, cv::Size(w, h));
  EXPECT_TRUE(vw.isOpened());
  for (int i = 0; i < frames; ++i) vw.write(syntheticFrame(i, w, h));
  return path.string();
}

pid_t spawnCli(const std::vector<std::string>& args) {
  std::vector<std::string> all = {REVCOL_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int waitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int runCli(const std::vector<std::string>& args) { return waitExit(spawnCli(args)); }

std::vector<std::string> exportArgs(const fs::path& out, std::vector<std::string> inputs,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {"export",       "--checkpoint", kCkpt,     "--out",  out.string(),
                                "--preprocess", "none",         "--quiet", "--cell", "32"};
  a.insert(a.end(), extra.begin(), extra.end());
  a.insert(a.end(), inputs.begin(), inputs.end());
  return a;
}

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

json readJson(const fs::path& p) { return json::parse(readAll(p)); }

// Every regular file under root, relative, without temp files.
std::set<std::string> filesUnder(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), root).generic_string());
  return out;
}

size_t countIn(const fs::path& dir, const std::string& ext) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ext) ++n;
  return n;
}

int videoFrames(const fs::path& p) {
  cv::VideoCapture cap(p.string(), cv::CAP_FFMPEG);
  int n = 0;
  cv::Mat f;
  while (cap.read(f)) ++n;
  return n;
}

// JSON without the fields that describe one process's run (timings, start time, counts of this run).
json withoutRunFields(json j) {
  if (j.is_object()) {
    j.erase("timing");
    j.erase("this_run");
    for (auto& [k, v] : j.items()) v = withoutRunFields(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = withoutRunFields(v);
  }
  return j;
}

}  // namespace

TEST(Export, VideoWritesEveryFrameFigureSidecarRecordCsvAndMp4) {
  const fs::path dir = freshDir("revcol_export_video");
  const std::string video = writeVideo(dir / "clip.mp4", 12);
  const fs::path out = dir / "out";
  ASSERT_EQ(runCli(exportArgs(out, {video}, {"--what", "overlay,features,errors,raw"})), 0);

  const fs::path clip = out / "clip";
  EXPECT_EQ(countIn(clip / "frames", ".json"), 12u);
  for (const char* kind : {"overlay", "features", "errors"}) {
    EXPECT_EQ(countIn(clip / kind, ".png"), 12u) << kind;
    EXPECT_EQ(countIn(clip / kind, ".json"), 12u) << kind;
  }
  EXPECT_EQ(countIn(clip / "raw" / "f000011", ".npy"), 4u * 4u + 4u);  // 4 columns x 4 levels + 4 heads
  EXPECT_EQ(videoFrames(clip / "overlay.mp4"), 12);
  EXPECT_EQ(videoFrames(clip / "features.mp4"), 12);

  const std::string csv = readAll(clip / "results.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 13);
  EXPECT_EQ(csv.rfind("input,frame,timestamp_s,file,head_column,top1_index", 0), 0u);
  const json results = readJson(clip / "results.json");
  ASSERT_EQ(results["frames"].size(), 12u);
  EXPECT_EQ(results["frames"][5]["frame"]["index"], 5);
  EXPECT_NEAR(results["frames"][5]["frame"]["timestamp_s"].get<double>(), 0.5, 1e-9);
  EXPECT_EQ(results["frames"][5]["reconstruction"]["columns"].size(), 3u);

  const json side = readJson(clip / "features" / "f000003.json");
  EXPECT_EQ(side["checkpoint"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(side["frame"]["index"], 3);
  EXPECT_EQ(side["reduction"], "mean_abs");
  EXPECT_EQ(side["colormap"], "viridis");
  EXPECT_EQ(side["column"], json({0, 1, 2, 3}));
  EXPECT_EQ(side["level"], json({0, 1, 2, 3}));
  EXPECT_EQ(side["level_name"], json({"c0 (1/4)", "c1 (1/8)", "c2 (1/16)", "c3 (1/32)"}));
  const json frame = readJson(clip / "frames" / "f000003.json");
  EXPECT_EQ(frame["reconstruction"]["columns"][0]["levels"][2]["level"], 2);
  EXPECT_EQ(frame["reconstruction"]["columns"][0]["levels"][2]["level_name"], "c2 (1/16)");

  const json m = readJson(out / "manifest.json");
  EXPECT_TRUE(m["complete"].get<bool>());
  EXPECT_TRUE(m["failures"].empty());
  ASSERT_EQ(m["inputs"].size(), 1u);
  EXPECT_EQ(m["inputs"][0]["frames"], 12);
  EXPECT_EQ(m["inputs"][0]["status"], "complete");
  // The manifest lists exactly what is on disk (besides itself).
  std::set<std::string> listed;
  for (const json& f : m["files"]) listed.insert(f.get<std::string>());
  std::set<std::string> on_disk = filesUnder(out);
  on_disk.erase("manifest.json");
  EXPECT_EQ(listed, on_disk);

  // Stride: every third frame.
  const fs::path strided = dir / "strided";
  ASSERT_EQ(runCli(exportArgs(strided, {video}, {"--what", "features", "--stride", "3"})), 0);
  EXPECT_EQ(countIn(strided / "clip" / "frames", ".json"), 4u);
  EXPECT_TRUE(fs::exists(strided / "clip" / "frames" / "f000009.json"));
  EXPECT_EQ(videoFrames(strided / "clip" / "features.mp4"), 4);
}

TEST(Export, KilledThenResumedEqualsAnUninterruptedRun) {
  const fs::path dir = freshDir("revcol_export_resume");
  const std::string video = writeVideo(dir / "clip.mp4", 40, 96, 96);
  fs::create_directories(dir / "stills");
  for (int i = 0; i < 6; ++i)
    cv::imwrite((dir / "stills" / ("s" + std::to_string(i) + ".png")).string(), syntheticFrame(7 * i, 64, 64));
  const std::vector<std::string> inputs = {video, (dir / "stills").string()};
  const std::vector<std::string> what = {"--what", "overlay,features,errors,raw"};

  const fs::path whole = dir / "whole";
  ASSERT_EQ(runCli(exportArgs(whole, inputs, what)), 0);

  // Kill (SIGKILL: no chance to clean up) once a few frames are finished, then resume.
  const fs::path killed = dir / "killed";
  const pid_t pid = spawnCli(exportArgs(killed, inputs, what));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (countIn(killed / "clip" / "frames", ".json") < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(pid, SIGKILL);
  EXPECT_EQ(waitExit(pid), 128 + SIGKILL);
  const size_t done_before = countIn(killed / "clip" / "frames", ".json");
  ASSERT_GE(done_before, 5u);
  ASSERT_LT(done_before, 40u) << "the export finished before it could be killed; the test proves nothing";
  EXPECT_FALSE(fs::exists(killed / "manifest.json"));

  ASSERT_EQ(runCli(exportArgs(killed, inputs,
                              [&] {
                                auto a = what;
                                a.push_back("--resume");
                                return a;
                              }())),
            0);
  const json m = readJson(killed / "manifest.json");
  EXPECT_GE(m["this_run"]["frames_resumed"].get<int64_t>(), int64_t(done_before));
  EXPECT_TRUE(m["complete"].get<bool>());

  std::set<std::string> a = filesUnder(whole), b = filesUnder(killed);
  // A SIGKILL can leave a temp file of a write in flight; those are the only extra files allowed.
  for (auto it = b.begin(); it != b.end();)
    it = it->find(".tmp-") != std::string::npos || it->find(".partial") != std::string::npos ? b.erase(it)
                                                                                             : std::next(it);
  ASSERT_EQ(a, b);
  for (const std::string& f : a) {
    const std::string ext = fs::path(f).extension().string();
    if (ext == ".json") {
      EXPECT_EQ(withoutRunFields(readJson(whole / f)), withoutRunFields(readJson(killed / f))) << f;
    } else if (ext == ".mp4") {
      // Rebuilt from the finished frames' (lossless) PNGs: the same pixels, so the same bytes.
      EXPECT_EQ(videoFrames(whole / f), 40) << f;
      EXPECT_TRUE(readAll(whole / f) == readAll(killed / f)) << f << " differs";
    } else {
      EXPECT_TRUE(readAll(whole / f) == readAll(killed / f)) << f << " differs";
    }
  }
}

TEST(Export, ShardsCoverEveryInputExactlyOnce) {
  const fs::path dir = freshDir("revcol_export_shards");
  const std::string video = writeVideo(dir / "clip.mp4", 5);
  fs::create_directories(dir / "stills");
  for (int i = 0; i < 7; ++i)
    cv::imwrite((dir / "stills" / ("img" + std::to_string(i) + ".png")).string(), syntheticFrame(i, 64, 64));
  cv::imwrite((dir / "single.png").string(), syntheticFrame(3, 64, 64));
  const std::vector<std::string> inputs = {(dir / "stills").string(), video, (dir / "single.png").string()};
  const std::vector<std::string> what = {"--what", "features", "--no-video"};

  const fs::path whole = dir / "whole";
  ASSERT_EQ(runCli(exportArgs(whole, inputs, what)), 0);
  std::map<std::string, int> seen;  // frame record -> how many shards wrote it
  const fs::path sharded = dir / "sharded";
  for (int i = 0; i < 3; ++i) {
    const fs::path out = dir / ("shard" + std::to_string(i));
    auto args = what;
    args.push_back("--shard");
    args.push_back(std::to_string(i) + "/3");
    ASSERT_EQ(runCli(exportArgs(out, inputs, args)), 0);
    // Same folder for all shards works too (names never collide).
    ASSERT_EQ(runCli(exportArgs(sharded, inputs, args)), 0);
    for (const std::string& f : filesUnder(out))
      if (f.find("/frames/") != std::string::npos) ++seen[f];
    EXPECT_TRUE(fs::exists(sharded / ("manifest.shard-" + std::to_string(i) + "-of-3.json")));
  }
  std::map<std::string, int> expected;
  for (const std::string& f : filesUnder(whole))
    if (f.find("/frames/") != std::string::npos) expected[f] = 1;
  EXPECT_EQ(expected.size(), 7u + 5u + 1u);
  EXPECT_EQ(seen, expected);
  for (const auto& [f, n] : expected)
    EXPECT_EQ(withoutRunFields(readJson(whole / f)), withoutRunFields(readJson(sharded / f))) << f;
}

TEST(Export, CorruptImageInAFolderIsReportedAndSkipped) {
  const fs::path dir = freshDir("revcol_export_corrupt");
  fs::create_directories(dir / "stills");
  for (int i = 0; i < 3; ++i)
    cv::imwrite((dir / "stills" / ("ok" + std::to_string(i) + ".png")).string(), syntheticFrame(i, 64, 64));
  std::ofstream(dir / "stills" / "broken.png") << "\x89PNG but then nothing useful";
  const fs::path out = dir / "out";
  EXPECT_EQ(runCli(exportArgs(out, {(dir / "stills").string(), (dir / "missing.mp4").string()}, {"--what", "overlay"})),
            1);
  EXPECT_EQ(countIn(out / "stills" / "frames", ".json"), 3u);
  const json m = readJson(out / "manifest.json");
  EXPECT_FALSE(m["complete"].get<bool>());
  ASSERT_EQ(m["failures"].size(), 2u);
  EXPECT_NE(m["failures"][0]["file"].get<std::string>().find("broken.png"), std::string::npos);
  EXPECT_EQ(m["failures"][0]["frame"], 0);
  EXPECT_NE(m["failures"][1]["input"].get<std::string>().find("missing.mp4"), std::string::npos);
  const std::string csv = readAll(out / "stills" / "results.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);  // header + the three good images
}

TEST(Export, SigtermStopsCleanlyWithExitCode130AndResumeFinishes) {
  const fs::path dir = freshDir("revcol_export_sigterm");
  const std::string video = writeVideo(dir / "clip.mp4", 40, 96, 96);
  const fs::path out = dir / "out";
  const pid_t pid = spawnCli(exportArgs(out, {video}, {"--what", "features"}));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (countIn(out / "clip" / "frames", ".json") < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(pid, SIGTERM);
  ASSERT_EQ(waitExit(pid), 130);
  const json m = readJson(out / "manifest.json");
  EXPECT_TRUE(m["this_run"]["interrupted"].get<bool>());
  EXPECT_FALSE(m["complete"].get<bool>());
  EXPECT_EQ(m["inputs"][0]["status"], "incomplete");
  // The frames in flight were finished; streamed files of the unfinished input were removed.
  EXPECT_EQ(m["inputs"][0]["frames"].get<size_t>(), countIn(out / "clip" / "frames", ".json"));
  for (const std::string& f : filesUnder(out)) EXPECT_EQ(f.find(".partial"), std::string::npos) << f;
  EXPECT_FALSE(fs::exists(out / "clip" / "results.csv"));

  ASSERT_EQ(runCli(exportArgs(out, {video}, {"--what", "features", "--resume"})), 0);
  EXPECT_EQ(countIn(out / "clip" / "frames", ".json"), 40u);
  EXPECT_EQ(videoFrames(out / "clip" / "features.mp4"), 40);
}

TEST(Export, CkaOverARecursiveFolderEqualsTheCollectorAndSurvivesResume) {
  const fs::path in = freshDir("revcol_export_cka_in"), out = freshDir("revcol_export_cka_out");
  std::vector<std::string> files;  // in the exporter's (sorted) order
  for (const char* cls : {"apples", "pears"}) {
    fs::create_directories(in / cls);
    for (int i = 0; i < 3; ++i) {
      const fs::path f = in / cls / ("f" + std::to_string(i) + ".png");
      cv::imwrite(f.string(), syntheticFrame(i * 7 + (cls[0] == 'p' ? 3 : 0), 64, 64));
      files.push_back(f.string());
    }
  }
  ASSERT_EQ(runCli(exportArgs(out, {in.string()}, {"--what", "cka", "--recursive"})), 0);
  const std::string name = in.filename().string();
  const json cka = readJson(out / name / "cka.json");
  EXPECT_EQ(cka["images"], 6);
  EXPECT_EQ(cka["label_names"], json({"apples", "pears"}));
  EXPECT_EQ(cka["checkpoint"]["sha256"].get<std::string>().size(), 64u);
  ASSERT_EQ(cka["vs_input"].size(), 4u);
  ASSERT_FALSE(cka["vs_labels"].is_null());

  // The same numbers as collecting the features directly.
  revcol::RevColModel model = revcol::RevColModel::load(kCkpt);
  revcol::ImagenetPreprocess none;
  none.mode = revcol::ResizeMode::None;
  revcol::CkaCollector collector;
  revcol::AnalysisOptions features_only;
  features_only.precisions.clear();
  features_only.modes.clear();
  for (size_t i = 0; i < files.size(); ++i) {
    const revcol::FloatArray chw = revcol::preprocessImagenet(revcol::loadImageRgb(files[i]), none);
    ASSERT_TRUE(collector.add(chw, model.analyze(chw, features_only), int64_t(i / 3)));
  }
  const revcol::DisentanglementResult direct = collector.compute();
  for (size_t c = 0; c < 4; ++c)
    for (size_t l = 0; l < 4; ++l) {
      EXPECT_NEAR(cka["vs_input"][c][l].get<double>(), direct.vs_input.values[c][l], 1e-6) << c << "," << l;
      EXPECT_NEAR(cka["vs_labels"][c][l].get<double>(), direct.vs_labels->values[c][l], 1e-6) << c << "," << l;
    }
  const std::string csv = readAll(out / name / "cka.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 16);

  // Resuming a finished export analyses the frames again for the CKA and writes the same file.
  ASSERT_EQ(runCli(exportArgs(out, {in.string()}, {"--what", "cka", "--recursive", "--resume"})), 0);
  json again = readJson(out / name / "cka.json");
  EXPECT_EQ(again["vs_input"], cka["vs_input"]);
  EXPECT_EQ(again["vs_labels"], cka["vs_labels"]);
}

TEST(Export, CkaOfFewerThanFourFramesIsAReportedFailure) {
  const fs::path in = freshDir("revcol_export_cka_few"), out = freshDir("revcol_export_cka_few_out");
  cv::imwrite((in / "only.png").string(), syntheticFrame(1, 64, 64));
  EXPECT_EQ(runCli(exportArgs(out, {in.string()}, {"--what", "cka,features"})), 1);
  const json manifest = readJson(out / "manifest.json");
  ASSERT_FALSE(manifest["failures"].empty());
  EXPECT_NE(manifest["failures"][0]["error"].get<std::string>().find("at least 4"), std::string::npos);
}
