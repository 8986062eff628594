#!/usr/bin/env bash
# Screenshots of RevCol Studio under Xvfb at a laptop's and a projector's screen size, for the
# README and for looking at: every view a new user meets first, on the trained demo models (the
# detection checkpoint is the random-weight test fixture: there is no trained detection demo).
# usage: tests/screenshots/take_screenshots.sh [BUILD_DIR] [OUT_DIR] [SIZES...]
#   SIZES default to "1366x768 1920x1080"; files are OUT_DIR/NAME_WxH.png.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/release}"
out="${2:-$root/build/screenshots}"
shift $(( $# > 2 ? 2 : $# ))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1366x768 1920x1080)
studio="$build/app/studio/revcol-studio"
demo="$root/models/demo/revcol_fashion_cls.pth"
upernet="$root/models/demo/revcol_fashion_upernet.pth"
item="$root/resources/samples/fashion_items/bag_005008.png"
scene="$root/resources/samples/fashion_scenes/scene_005001.png"
video="$root/resources/samples/fashion_scenes.mp4"
data="$root/tests/data"
mkdir -p "$out"
# The studio's own settings are left alone: screenshots run with a settings folder of their own.
export XDG_CONFIG_HOME="$out/.config"
rm -rf "$XDG_CONFIG_HOME"

# A class-per-folder image set for the CKA panel: held-out FashionScenes items.
set_dir="$out/cka_images"
rm -rf "$set_dir"
"$build/models/revcol-fashion-scenes" --split test --count 40 --seed 11 --task cls --size 64 --out "$set_dir" >/dev/null

for size in "${sizes[@]}"; do
  shoot() {
    local name="$1"
    shift
    xvfb-run -a -s "-screen 0 ${size}x24" "$studio" --screenshot "$out/${name}_${size}.png" "$@"
    echo "wrote $out/${name}_${size}.png"
  }
  # (a) README's first command.
  shoot demo_explorer --checkpoint "$demo" "$item"
  shoot demo_pca --checkpoint "$demo" --explorer-mode pca --cell 3,0 "$item"
  shoot demo_chain --checkpoint "$demo" --chain --cell 1,2 "$item"
  # (b) the sample video played through, a cell selected, the timeline open.
  shoot video --checkpoint "$demo" --play --cell 2,1 "$video"
  # (c) the detection fixture (random weights: boxes show the drawing, not a model's skill).
  shoot detection --checkpoint "$data/det_cascade_mask_rcnn_revcol_shrunk.pth" --cell 1,0 "$data/det/det_input.png"
  # (d) the segmentation demo, its prediction and the ground truth that ships beside the scene.
  shoot segmentation --checkpoint "$upernet" "$scene"
  shoot segmentation_truth --checkpoint "$upernet" --ground-truth "$scene"
  # CKA over held-out items.
  shoot cka --checkpoint "$demo" --cka "$set_dir" "$item"
  # Nothing open: the start page.
  shoot start
  # The guide: what RevCol is (with the loaded model's figure) and the glossary.
  shoot guide_revcol --checkpoint "$demo" --guide revcol.html "$item"
  shoot guide_glossary --guide glossary.html
  # Presentation mode, each view.
  shoot presentation_explorer --checkpoint "$demo" --presentation 1 "$item"
  shoot presentation_heads --checkpoint "$demo" --presentation 2 "$item"
  shoot presentation_reconstruction --checkpoint "$demo" --presentation 3 "$item"
  shoot presentation_cka --checkpoint "$demo" --presentation 4 --cka "$root/resources/samples/fashion_labelled" "$item"
done
