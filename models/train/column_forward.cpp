#include "train/column_forward.h"

#include "nn/weights.h"
#include "train/reversible_column.h"

namespace revcol::train {

void clampAlphasInPlace(RevColNetImpl& net) {
  torch::NoGradGuard no_grad;
  for (int i = 0; i < net.architecture().columns; ++i)
    for (torch::Tensor& a : net.subnet(i)->alpha) a.copy_(clampAlpha(a));
}

TrainForward trainForward(RevColNetImpl& net, const torch::Tensor& input, bool reversible) {
  const Architecture& arch = net.architecture();
  const std::vector<int> heads = headColumns(arch), decoders = decoderColumns(arch);
  TrainForward out;
  const torch::Tensor x = net.stem(input);
  Levels c;
  for (int i = 0; i < arch.columns; ++i) {
    c = reversible ? reversibleColumn(*net.subnet(i), x, c) : net.subnet(i)->forward(x, c);
    for (size_t k = 0; k < heads.size(); ++k)
      if (heads[k] == i) out.logits.push_back(net.head(int(k), c[3]));
    for (size_t k = 0; k < decoders.size(); ++k)
      if (decoders[k] == i && arch.decoder != DecoderKind::None) out.images.push_back(net.decoder(int(k), c[3]));
  }
  out.last = c;
  return out;
}

}  // namespace revcol::train
