#!/usr/bin/env bash
# Screenshots of RevCol Studio's main views under Xvfb, for documentation and for looking at.
# usage: tests/screenshots/take_screenshots.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/release}"
out="${2:-$root/build/screenshots}"
studio="$build/app/studio/revcol-studio"
ckpt="$root/tests/data/cls/cls_revcol_s4_k3.pth"
huge="$root/tests/data/cls/cls_revcol_huge_s8_k3.pth"
image="$root/resources/samples/shapes.png"
mkdir -p "$out"
shoot() {
  local name="$1"
  shift
  xvfb-run -a -s "-screen 0 1600x1000x24" "$studio" --screenshot "$out/$name.png" "$@"
  echo "wrote $out/$name.png"
}
shoot explorer_mean --checkpoint "$ckpt" --cell 2,1 "$image"
shoot explorer_pca --checkpoint "$ckpt" --explorer-mode pca --cell 3,0 "$image"
shoot explorer_added --checkpoint "$ckpt" --explorer-mode added --cell 1,2 "$image"
shoot huge_chain --checkpoint "$huge" --chain --cell 3,0 "$image"
