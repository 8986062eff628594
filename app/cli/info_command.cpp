// revcol-cli info CKPT [--json]: what the checkpoint holds, inferred from its weights alone.
#include <cstdio>
#include <optional>

#include "arguments.h"
#include "commands.h"
#include "usage.h"
#include "revcol/result_json.h"
#include "model_options.h"
#include "revcol/detector.h"
#include "revcol/error.h"
#include "revcol/segmenter.h"

namespace revcol::cli {

int runInfo(const std::vector<std::string>& argv) {
  Arguments args(argv, {"--device", "--weights"}, {"--json"});
  if (args.positional().size() != 1) throw Error(usageLine("info"));
  const std::string path = args.positional()[0];
  const LoadOptions load_options = loadOptionsFrom(args);
  // Detection and segmentation checkpoints: read once, by their own loader; the backbone part of
  // the report comes from the model's backbone, the heads from the weights on top of it.
  const Task task = checkpointTask(path);
  std::optional<Detector> detector;
  std::optional<Segmenter> segmenter;
  std::optional<RevColModel> model;
  if (task == Task::Detection) {
    detector.emplace(Detector::load(path, load_options));
    model.emplace(detector->backboneModel());
  } else if (task == Task::Segmentation) {
    segmenter.emplace(Segmenter::load(path, load_options));
    model.emplace(segmenter->backboneModel());
  } else {
    model.emplace(RevColModel::load(path, load_options));
  }
  const ModelInfo& info = model->info();
  nlohmann::json heads_json;
  std::string heads_text;
  if (detector) {
    const DetectionModelInfo& d = detector->info();
    heads_json = {{"kind", "Cascade Mask R-CNN + FPN"}, {"stages", d.num_stages},
                  {"bbox_head", d.bbox_head},           {"class_agnostic", d.class_agnostic},
                  {"with_mask", d.with_mask},           {"fpn_channels", d.fpn_channels},
                  {"num_classes", d.num_classes},       {"target_stds_from", d.stds_source},
                  {"parameters", d.parameter_count}};
    heads_text = "Cascade Mask R-CNN + FPN, " + std::to_string(d.num_stages) + " stages, " + d.bbox_head +
                 (d.class_agnostic ? ", class-agnostic" : ", class-specific") + " regression" +
                 (d.with_mask ? ", FCN mask head" : "") + ", " + std::to_string(d.num_classes) + " classes, " +
                 std::to_string(d.parameter_count) + " parameters with the backbone";
  } else if (segmenter) {
    const SegmenterInfo& g = segmenter->info();
    heads_json = {{"kind", "UPerNet"},
                  {"channels", g.head_channels},
                  {"pool_scales", g.pool_scales},
                  {"auxiliary_head", g.has_auxiliary_head},
                  {"num_classes", g.num_classes}};
    heads_text = "UPerNet, " + std::to_string(g.head_channels) + " channels, " + std::to_string(g.num_classes) +
                 " classes" + (g.has_auxiliary_head ? " (auxiliary FCN head present, unused at test time)" : "");
  }
  if (args.flag("--json")) {
    nlohmann::json j = toJson(info);
    if (!heads_json.is_null()) j["task_heads"] = heads_json;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  const Architecture& a = info.architecture;
  std::printf("file        %s\n", info.file.c_str());
  std::printf("model       %s\n", describe(a).c_str());
  std::printf("variant     %s%s\n", a.variant.c_str(), a.huge ? " (RevCol-H family)" : "");
  std::printf("task        %s\n", revcol::toString(a.task));
  std::printf("channels    %lld / %lld / %lld / %lld\n", (long long)a.channels[0], (long long)a.channels[1],
              (long long)a.channels[2], (long long)a.channels[3]);
  std::printf("layers      %lld / %lld / %lld / %lld\n", (long long)a.layers[0], (long long)a.layers[1],
              (long long)a.layers[2], (long long)a.layers[3]);
  std::printf("columns     %d\n", a.columns);
  std::printf("kernel      %d\n", a.kernel_size);
  std::printf("heads       %s (%d)", revcol::toString(a.head), a.num_heads);
  if (a.num_classes > 0) std::printf(", %lld classes", (long long)a.num_classes);
  std::printf("\n");
  std::printf("decoders    %s (%d)\n", revcol::toString(a.decoder), a.num_decoders);
  if (!heads_text.empty()) std::printf("task heads  %s\n", heads_text.c_str());
  std::printf("parameters  %lld (%.2f M)\n", (long long)info.parameter_count, info.parameter_count / 1e6);
  std::printf("weights     %s%s\n", info.weights_source.c_str(), info.has_ema ? " (EMA weights also present)" : "");
  std::printf("device      %s\n", info.device.c_str());
  if (!info.cpu_path.empty()) std::printf("cpu path    %s\n", info.cpu_path.c_str());
  return 0;
}

}  // namespace revcol::cli
