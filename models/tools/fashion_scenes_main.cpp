// revcol-fashion-scenes --split train|test --count N --seed S --out DIR [--task cls|scenes]
//                       [--start I] [--size PX] [--data DIR]
// cls:    DIR/<k>_<class>/<index>.png (ImageFolder layout) and DIR/labels.txt
// video:  DIR/fashion_scenes.mp4, one scene per frame at --fps (default 2), MPEG-4 Part 2
// scenes: DIR/images/<index>.png, DIR/labels/<index>.png (0 background, 1 + class) and
//         DIR/annotations.json (COCO instances with boxes and RLE masks)
#include <revcol/atomic_file.h>
#include <revcol/error.h>

#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string_view>

#include "fashion/coco_json.h"
#include "fashion/fashion_mnist.h"
#include "fashion/scene_generator.h"
#include "tools/tool_args.h"

namespace fs = std::filesystem;
using namespace revcol;
using namespace revcol::fashion;

namespace {

const char* kUsage =
    "usage: revcol-fashion-scenes --split train|test --count N --seed S --out DIR [--task cls|scenes] "
    "[--start I] [--size PX] [--fps N] [--data FASHION_MNIST_DIR]";

void writePng(const fs::path& path, const cv::Mat& image, bool rgb) {
  cv::Mat out = image;
  if (rgb) cv::cvtColor(image, out, cv::COLOR_RGB2BGR);
  std::vector<uint8_t> bytes;
  if (!cv::imencode(".png", out, bytes)) throw Error("cannot encode " + path.string());
  writeFileAtomic(path.string(), std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// "0_t-shirt-top": the index prefix keeps ImageFolder's alphabetical order equal to label order.
std::string classFolder(int k) {
  std::string name = std::to_string(k) + "_";
  for (char c : classNames()[size_t(k)]) name += (c == '/' || c == ' ') ? '-' : char(std::tolower(c));
  return name;
}

std::string indexName(long long i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06lld", i);
  return buf;
}

int run(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--help") {
    std::printf("%s\n", kUsage);
    return 0;
  }
  tools::ToolArgs args(argc, argv,
                       {"--split", "--count", "--seed", "--out", "--task", "--start", "--size", "--fps", "--data"}, {});
  if (!args.has("--split") || !args.has("--count") || !args.has("--out")) throw Error(kUsage);
  const std::string task = args.value("--task", "scenes");
  if (task != "cls" && task != "scenes" && task != "video")
    throw Error("--task must be 'cls', 'scenes' or 'video', got '" + task + "'");
  const long long count = args.integer("--count", 0, 1, 1000000);
  const long long start = args.integer("--start", 0, 0, 1LL << 30);
  const uint64_t seed = uint64_t(args.integer("--seed", 0, 0, (1LL << 62)));
  const int size = int(args.integer("--size", task == "cls" ? 64 : 128, 32, 1024));
  const FashionMnist data = loadFashionMnist(args.value("--data", defaultFashionMnistDir()), args.value("--split"));
  const fs::path out = args.value("--out");

  if (task == "cls") {
    std::string labels;
    for (int k = 0; k < kNumClasses; ++k) {
      fs::create_directories(out / classFolder(k));
      labels += classNames()[size_t(k)] + "\n";
    }
    writeFileAtomic((out / "labels.txt").string(), labels);
    for (long long i = start; i < start + count; ++i) {
      const ClassificationSample s = makeClassificationSample(data, seed, int(i), size);
      writePng(out / classFolder(s.label) / (indexName(i) + ".png"), s.image, true);
    }
    return 0;
  }
  if (task == "video") {
    fs::create_directories(out);
    const std::string path = (out / "fashion_scenes.mp4").string();
    const int fps = int(args.integer("--fps", 2, 1, 60));
    // VideoWriter cannot write through a temp name portably; a failed run leaves no file behind.
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, cv::Size(size, size));
    if (!writer.isOpened()) throw Error("cannot open " + path + " for writing (OpenCV without an MPEG-4 encoder?)");
    const SceneOptions o = sceneOptionsForSize(size);
    for (long long i = start; i < start + count; ++i) {
      cv::Mat bgr;
      cv::cvtColor(makeScene(data, seed, int(i), o).image, bgr, cv::COLOR_RGB2BGR);
      writer.write(bgr);
    }
    writer.release();
    return 0;
  }
  fs::create_directories(out / "images");
  fs::create_directories(out / "labels");
  const SceneOptions o = sceneOptionsForSize(size);
  nlohmann::json coco = cocoDocument("FashionScenes " + args.value("--split") + " seed " + std::to_string(seed));
  for (long long i = start; i < start + count; ++i) {
    const Scene s = makeScene(data, seed, int(i), o);
    const std::string name = indexName(i) + ".png";
    writePng(out / "images" / name, s.image, true);
    writePng(out / "labels" / name, s.labels, false);
    addSceneToCoco(coco, s, int(i), "images/" + name);
  }
  writeFileAtomic((out / "annotations.json").string(), coco.dump());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-fashion-scenes: %s\n", e.what());
    return 1;
  }
}
