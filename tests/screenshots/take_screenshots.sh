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
demo="$root/models/demo/revcol_fashion_cls.pth"
item="$root/resources/samples/fashion_items/bag_005008.png"
shoot demo_explorer --checkpoint "$demo" --cell 2,1 "$item"
shoot demo_pca --checkpoint "$demo" --explorer-mode pca --cell 3,0 "$item"
shoot explorer_mean --checkpoint "$ckpt" --cell 2,1 "$image"
shoot explorer_pca --checkpoint "$ckpt" --explorer-mode pca --cell 3,0 "$image"
shoot explorer_added --checkpoint "$ckpt" --explorer-mode added --cell 1,2 "$image"
shoot huge_chain --checkpoint "$huge" --chain --cell 3,0 "$image"
data="$root/tests/data"
shoot detection --checkpoint "$data/det_cascade_mask_rcnn_revcol_shrunk.pth" --cell 1,0 "$data/det/det_input.png"
shoot segmentation --checkpoint "$data/seg/seg_upernet_revcol_shrunk.pth" "$data/seg/seg_input.png"
# A class-per-folder image set for the CKA panel and the player: FashionScenes items when the
# generator is built, else the test images.
scenes="$build/models/revcol-fashion-scenes"
set_dir="$out/cka_images"
rm -rf "$set_dir"
if [ -x "$scenes" ]; then
  "$scenes" --split test --count 40 --seed 11 --task cls --size 64 --out "$set_dir" >/dev/null
else
  mkdir -p "$set_dir/a" "$set_dir/b"
  cp "$data"/cls/*.png "$set_dir/a/" && cp "$image" "$data"/det/det_input.png "$data"/seg/seg_input.png "$set_dir/b/"
fi
shoot cka --checkpoint "$ckpt" --cka "$set_dir" "$image"
first_class="$(find "$set_dir" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)"
shoot folder_played --checkpoint "$ckpt" --play "$first_class"
