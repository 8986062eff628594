// revcol-checkpoint-digest CKPT: one line per tensor as our safe reader sees it,
// "name dtype shape sha256-of-the-little-endian-bytes", for tests/python/torch_load_matches_reader.py
// to compare with what Python's torch.load reads from the same file.
#include <revcol/error.h>
#include <revcol/sha256.h>

#include <cstdio>

#include "checkpoint/checkpoint.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: revcol-checkpoint-digest CKPT\n");
    return 1;
  }
  try {
    const revcol::Checkpoint ck = revcol::readCheckpoint(argv[1]);
    std::printf("weights_source %s\n", ck.weights_source.c_str());
    for (const auto& t : ck.state_dict) {
      const torch::Tensor c = t.tensor.contiguous();
      std::string shape;
      for (int64_t d : c.sizes()) shape += (shape.empty() ? "" : ",") + std::to_string(d);
      const std::string digest = revcol::sha256Hex(
          std::string_view(static_cast<const char*>(c.data_ptr()), size_t(c.numel()) * c.element_size()));
      std::printf("%s %s [%s] %s\n", t.name.c_str(), std::string(c.dtype().name()).c_str(), shape.c_str(),
                  digest.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-checkpoint-digest: %s\n", e.what());
    return 1;
  }
}
