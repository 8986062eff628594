// revcol-cli info CKPT [--json]: what the checkpoint holds, inferred from its weights alone.
#include <cstdio>

#include "arguments.h"
#include "commands.h"
#include "json_results.h"
#include "model_options.h"
#include "revcol/error.h"

namespace revcol::cli {

int runInfo(const std::vector<std::string>& argv) {
  Arguments args(argv, {"--device", "--weights"}, {"--json"});
  if (args.positional().size() != 1) throw Error("usage: revcol-cli info CHECKPOINT [--json]");
  RevColModel model = RevColModel::load(args.positional()[0], loadOptionsFrom(args));
  const ModelInfo& info = model.info();
  if (args.flag("--json")) {
    std::printf("%s\n", toJson(info).dump(2).c_str());
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
  std::printf("parameters  %lld (%.2f M)\n", (long long)info.parameter_count, info.parameter_count / 1e6);
  std::printf("weights     %s%s\n", info.weights_source.c_str(), info.has_ema ? " (EMA weights also present)" : "");
  std::printf("device      %s\n", info.device.c_str());
  return 0;
}

}  // namespace revcol::cli
