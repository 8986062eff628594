#pragma once
// An intervention on the backbone while it runs, to see what a column or a level contributes:
// stop after column k (the heads and the neck then read column k's features), or replace one
// level of one column by zeros or by its per-channel spatial mean before anything reads it (the
// next column's fusion, the reversible shortcut alpha * c, the heads, the detection / segmentation
// neck when it is the last column).
#include <string>

namespace revcol {

struct Ablation {
  enum class Kind {
    None,
    StopAfterColumn,  // run columns 0..column only
    ZeroLevel,        // c_level of `column` := 0
    MeanLevel,        // c_level of `column` := its mean over H x W, per channel
  };
  Kind kind = Kind::None;
  int column = 0;
  int level = 0;  // ZeroLevel / MeanLevel: 0..3

  bool active() const { return kind != Kind::None; }
};

// "stop after column 2", "zero c1 of column 0", "mean c3 of column 3", "none".
std::string describe(const Ablation& ablation);

}  // namespace revcol
