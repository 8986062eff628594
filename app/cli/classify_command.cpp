// revcol-cli classify --checkpoint CKPT [--topk K] [--json] IMAGE...
#include <cstdio>
#include <nlohmann/json.hpp>

#include "arguments.h"
#include "commands.h"
#include "usage.h"
#include "revcol/result_json.h"
#include "model_options.h"
#include "revcol/class_labels.h"
#include "revcol/error.h"

namespace revcol::cli {

int runClassify(const std::vector<std::string>& argv) {
  Arguments args(argv,
                 {"--checkpoint", "--topk", "--device", "--weights", "--preprocess", "--size", "--labels", "--threads"},
                 {"--json", "--all-heads", "--bf16"});
  if (args.positional().empty()) throw Error(usageLine("classify"));
  const int top_k = args.intValue("--topk", 5, 1, 100000);
  const std::string checkpoint = args.required("--checkpoint");
  RevColModel model = RevColModel::load(checkpoint, loadOptionsFrom(args));
  const Architecture& arch = model.info().architecture;
  if (arch.num_classes <= 0)
    throw Error("this checkpoint has no classification head (task: " + std::string(revcol::toString(arch.task)) + ")");
  const std::vector<std::string> names = classNamesFor(arch.num_classes, args.value("--labels"));
  const InputPreparation prep = inputPreparationFrom(args, checkpoint);
  // The card's note heads the text output; JSON carries the preprocessing with every image.
  if (!prep.note.empty() && !args.flag("--json")) std::printf("%s\n", prep.note.c_str());

  nlohmann::json results = nlohmann::json::array();
  int failures = 0;
  for (const std::string& path : args.positional()) {
    try {
      std::vector<HeadOutput> heads = model.classify(loadInput(path, prep.preprocess), top_k);
      if (args.flag("--json")) {
        nlohmann::json h = nlohmann::json::array();
        for (const HeadOutput& head : heads) h.push_back(toJson(head, names));
        results.push_back({{"image", path}, {"preprocess", toJson(prep.preprocess, prep.name)}, {"heads", h}});
        continue;
      }
      std::printf("%s\n", path.c_str());
      // The last head is the model's answer; intermediate heads only with --all-heads.
      for (size_t k = args.flag("--all-heads") ? 0 : heads.size() - 1; k < heads.size(); ++k) {
        if (args.flag("--all-heads")) std::printf("  head %d (after column %d)\n", heads[k].head, heads[k].column);
        for (const TopClass& t : heads[k].top)
          std::printf("  %6.2f%%  %5lld  %s\n", 100.0 * t.probability, (long long)t.index,
                      names[size_t(t.index)].c_str());
      }
    } catch (const Error& e) {
      ++failures;
      std::fprintf(stderr, "revcol-cli: %s\n", e.what());
      if (args.flag("--json")) results.push_back({{"image", path}, {"error", e.what()}});
    }
  }
  if (args.flag("--json")) std::printf("%s\n", results.dump(2).c_str());
  return failures == 0 ? 0 : 1;
}

}  // namespace revcol::cli
