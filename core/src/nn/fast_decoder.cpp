#include "nn/fast_decoder.h"

namespace revcol::fast {

at::Tensor ImageDecoder::operator()(const at::Tensor& c3) const {
  at::Tensor x = in_norm ? (*in_norm)(c3) : c3;
  for (const Stage& s : stages) {
    // GELU after the norm, as ConvNorm does: libtorch's own erf GELU, so it rounds as the plain one.
    const at::Tensor y = at::gelu(s.proj(x));
    const at::Tensor up =
        at::upsample_bilinear2d(nchwView(y), {2 * y.size(1), 2 * y.size(2)}, /*align_corners=*/true);
    x = toNhwc(up);  // no copy: the upsampling keeps the channels-last layout of its input
    s.block.apply(x);
  }
  const at::Tensor out = projback(x).view({x.size(0), x.size(1), x.size(2), projback.outputs()});
  return at::pixel_shuffle(nchwView(out), shuffle).contiguous();
}

}  // namespace revcol::fast
