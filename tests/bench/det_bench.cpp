// revcol-det-bench: Cascade Mask R-CNN (4conv1fc BN heads, FPN 256, fc 1024, 80 classes) on a
// RevCol-T backbone with random weights, one 800 x 1333 image (padded to 800 x 1344), float32 on
// CPU. Prints the median time per image of each part. Not a test: run by hand.
//   revcol-det-bench [repetitions=3] [threads=torch default]
// score_thr is 0 so that the RoI and mask stages always see 100 detections (with random weights
// no class would reach the usual 0.05).
#include <revcol/detection.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  if (argc > 2) at::set_num_threads(std::max(1, std::atoi(argv[2])));
  try {
    revcol::DetectionModel model = revcol::DetectionModel::random(revcol::revcolTiny(), revcol::DetHeadSizes{}, 0);
    revcol::FloatArray input;
    input.shape = {3, 800, 1344};
    input.values.resize(3 * 800 * 1344);
    std::mt19937 rng(0);
    std::normal_distribution<float> normal;
    for (float& v : input.values) v = normal(rng);
    revcol::DetImageMeta meta;
    meta.ori_h = meta.img_h = 800;
    meta.ori_w = meta.img_w = 1333;
    revcol::DetTestConfig cfg;
    cfg.score_thr = 0.f;
    std::printf("%s + %s x %d stages, %lld parameters, %d torch threads, %d repetitions (+1 warm-up)\n",
                revcol::describe(model.info().backbone).c_str(), model.info().bbox_head.c_str(),
                model.info().num_stages, static_cast<long long>(model.info().parameter_count), at::get_num_threads(),
                reps);
    model.run(input, meta, cfg);  // warm-up
    std::vector<std::vector<double>> parts(6);
    size_t dets = 0;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const revcol::DetectionOutput out = model.run(input, meta, cfg);
      const double total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      const revcol::DetectionTimings& t = out.timings;
      const double values[6] = {t.backbone_ms, t.fpn_rpn_ms, t.roi_heads_ms, t.mask_ms, t.paste_ms, total};
      for (int k = 0; k < 6; ++k) parts[size_t(k)].push_back(values[k]);
      dets = out.detections.size();
    }
    const char* names[6] = {"backbone",   "FPN + RPN (proposals)", "RoI bbox heads + NMS", "mask heads",
                            "mask paste", "total per image"};
    for (int k = 0; k < 6; ++k) {
      auto& v = parts[size_t(k)];
      std::sort(v.begin(), v.end());
      std::printf("%-24s: %9.1f ms (median)\n", names[k], v[v.size() / 2]);
    }
    std::printf("detections per image    : %zu\n", dets);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-det-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
