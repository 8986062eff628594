#!/usr/bin/python3
"""Generates the fixtures of tests/pipeline/preprocess_test.cpp and tests/pipeline/npy_test.cpp.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14, python3-pil 9.4,
python3-numpy 1.24):

    /usr/bin/python3 tests/data/preprocess/make_preprocess_fixtures.py [/work/shared/fixtures]

Expected values come from torchvision + PIL themselves (the official RevCol eval transform of
data/build_data.py), never from our code. Outputs:

tests/data/preprocess/
  cls_preproc_src_240x320.png        copy of the shared fixture source
  cls_preproc_eval_224.npy           the shared fixture's expected tensor (cls_input.pt
                                     ['preproc_eval_out'], 3x224x224 float32), unchanged
  <case>_src.png                     synthetic sources (seeded)
  <case>_resized.png                 PIL's uint8 bicubic resize, before the crop
  <case>_out.png                     uint8 image that ToTensor sees (after crop / warp)
  <case>_out_sub3.npy                float32 transform output [:, ::3, ::3] (full outputs are 600 KB
                                     each; the uint8 PNGs above cover every pixel)
  pil_<name>.png                     raw PIL bicubic resizes of the fixture source (RGB and L)
  cases.json                         sizes, crop offsets, modes of every case
tests/data/npy/
  numpy_*.npy                        files written by numpy.save, see NPY_CASES
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
SHARED = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures"
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def official_eval(img_size):
    """build_data.py build_transform(is_train=False) with TEST.CROP = True (the default)."""
    t = []
    if img_size > 224:
        t.append(transforms.Resize((img_size, img_size), interpolation=transforms.InterpolationMode.BICUBIC))
    else:
        size = int((256 / 224) * img_size)
        t.append(transforms.Resize(size, interpolation=transforms.InterpolationMode.BICUBIC))
        t.append(transforms.CenterCrop(img_size))
    return t


def to_tensor_normalize():
    return [transforms.ToTensor(), transforms.Normalize(MEAN, STD)]


def synthetic(w, h, seed, gray=False):
    """Smooth gradients + hard 0/255 checker blocks (they make bicubic overshoot and clip) + noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    chans = []
    for c in range(1 if gray else 3):
        fx, fy = rng.uniform(0.01, 0.08, 2)
        base = 127.5 + 100 * np.sin(xx * fx + c) * np.cos(yy * fy - c)
        chans.append(base)
    img = np.stack(chans, -1)
    checker = ((xx // 7 + yy // 5) % 2 == 0) & (xx < w // 3) & (yy < h // 2)
    img[checker] = 255
    img[(xx > 2 * w // 3) & (yy > h // 2) & ((xx + yy) % 3 == 0)] = 0
    img += rng.normal(0, 2, img.shape)
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return Image.fromarray(img[..., 0] if gray else img, "L" if gray else "RGB")


def save_png(pil, name):
    pil.save(os.path.join(HERE, name), optimize=True)


def run_case(name, src_file, img_size, mode, cases):
    """mode: 'crop' / 'warp' (official eval at img_size) or 'none'."""
    src = Image.open(os.path.join(HERE, src_file))
    rgb = src.convert("RGB")  # what torchvision's ImageFolder loader does
    entry = {"src": src_file, "mode": mode, "size": img_size, "src_wh": list(src.size)}
    if mode == "none":
        out = rgb
    else:
        steps = official_eval(img_size)
        resized = steps[0](rgb)
        entry["resized_wh"] = list(resized.size)
        out = resized
        if len(steps) > 1:  # a warp's resize is its output: saved once, as <name>_out.png
            save_png(resized, f"{name}_resized.png")
            entry["resized"] = f"{name}_resized.png"
            out = steps[1](resized)
            w, h = resized.size
            entry["crop_top_left"] = [int(round((h - img_size) / 2.0)), int(round((w - img_size) / 2.0))]
    save_png(out, f"{name}_out.png")
    entry["out"] = f"{name}_out.png"
    full = transforms.Compose(official_eval(img_size) + to_tensor_normalize()) if mode != "none" else \
        transforms.Compose(to_tensor_normalize())
    y = full(rgb)
    # The composed transform and the step-by-step images above agree (same PIL calls).
    assert torch.equal(y, transforms.Compose(to_tensor_normalize())(out))
    np.save(os.path.join(HERE, f"{name}_out_sub3.npy"), y[:, ::3, ::3].contiguous().numpy())
    entry["out_sub3"] = f"{name}_out_sub3.npy"
    entry["out_chw"] = list(y.shape)
    cases[name] = entry
    return y


def main():
    os.makedirs(HERE, exist_ok=True)
    cases = {}

    # 1. The shared fixture: its expected tensor was made by the real transform; we re-run it too.
    shutil.copyfile(os.path.join(SHARED, "cls_preproc_src_240x320.png"), os.path.join(HERE, "cls_preproc_src_240x320.png"))
    expected = torch.load(os.path.join(SHARED, "cls_input.pt"))["preproc_eval_out"]
    np.save(os.path.join(HERE, "cls_preproc_eval_224.npy"), expected.contiguous().numpy())
    y = run_case("fixture", "cls_preproc_src_240x320.png", 224, "crop", cases)
    assert torch.equal(y, expected), "re-run of the official transform differs from the shared fixture"

    # 2. Upscale (60x45 -> 341x256): support not widened, hard edges clip.
    img = synthetic(60, 45, seed=1)
    save_png(img, "upscale_src.png")
    run_case("upscale", "upscale_src.png", 224, "crop", cases)

    # 3. Odd sizes, portrait: 229x291 -> 256x325; (325 - 224) / 2 = 50.5 and Python's round gives 50
    #    (half to even), where floor(x + 0.5) would give 51.
    img = synthetic(229, 291, seed=2)
    save_png(img, "odd_src.png")
    run_case("odd", "odd_src.png", 224, "crop", cases)
    assert cases["odd"]["crop_top_left"] == [50, 16], cases["odd"]

    # 4. The 384 warp of the fine-tuned releases (both sides shrink: 520x410 -> 384x384).
    img = synthetic(430, 397, seed=3)
    save_png(img, "warp384_src.png")
    run_case("warp384", "warp384_src.png", 384, "warp", cases)

    # 5. A gray PNG (mode L; the loader converts to RGB by replicating).
    img = synthetic(200, 150, seed=4, gray=True)
    save_png(img, "gray_src.png")
    run_case("gray", "gray_src.png", 224, "crop", cases)

    # 6. Mode none: only ToTensor + Normalize at the image's own size.
    run_case("none", "cls_preproc_src_240x320.png", 0, "none", cases)

    # Raw PIL resizes of the fixture source: strong downscale, upscale, one axis only, gray.
    pil_cases = {}
    src_rgb = Image.open(os.path.join(HERE, "cls_preproc_src_240x320.png")).convert("RGB")
    for name, (w, h), mode in [("down_57x41", (57, 41), "RGB"), ("up_263x331", (263, 331), "RGB"),
                               ("vonly_320x100", (320, 100), "RGB"), ("honly_31x240", (31, 240), "RGB"),
                               ("gray_101x77", (101, 77), "L")]:
        im = src_rgb.convert(mode) if mode == "L" else src_rgb
        out = im.resize((w, h), Image.BICUBIC)
        save_png(out, f"pil_{name}.png")
        if mode == "L":
            save_png(im, "pil_gray_src.png")
        pil_cases[name] = {"file": f"pil_{name}.png", "wh": [w, h], "mode": mode,
                           "src": "pil_gray_src.png" if mode == "L" else "cls_preproc_src_240x320.png"}
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"generator": "make_preprocess_fixtures.py", "torch": torch.__version__,
                   "pil": Image.__version__, "numpy": np.__version__,
                   "transform_cases": cases, "pil_resize_cases": pil_cases}, f, indent=1)
    make_npy_fixtures()


# Values the C++ test can rebuild exactly: (i - 7) / 8 in row-major order.
def ramp(shape, dtype):
    n = int(np.prod(shape))
    return ((np.arange(n, dtype=np.float64) - 7) / 8).astype(dtype).reshape(shape)


def make_npy_fixtures():
    out = os.path.join(DATA, "npy")
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "numpy_f4_2x3x4.npy"), ramp((2, 3, 4), np.float32))
    np.save(os.path.join(out, "numpy_f4_5.npy"), ramp((5,), np.float32))
    np.save(os.path.join(out, "numpy_f4_0x3.npy"), ramp((0, 3), np.float32))
    np.save(os.path.join(out, "numpy_f4_scalar.npy"), np.float32(2.5))
    np.save(os.path.join(out, "numpy_f8_3x2.npy"), ramp((3, 2), np.float64))
    np.save(os.path.join(out, "numpy_i8_4x3.npy"), (np.arange(12, dtype=np.int64) - 5).reshape(4, 3) * 1000)
    np.save(os.path.join(out, "numpy_f4_fortran_3x4.npy"), np.asfortranarray(ramp((3, 4), np.float32)))
    np.save(os.path.join(out, "numpy_f4_big_header_1x2x3x4x5x6x1x1.npy"), ramp((1, 2, 3, 4, 5, 6, 1, 1), np.float32))
    np.save(os.path.join(out, "numpy_f4_bigendian_2x2.npy"), ramp((2, 2), ">f4"))
    np.save(os.path.join(out, "numpy_u2_3.npy"), np.arange(3, dtype=np.uint16))
    # Version 2.0 header (4-byte length); numpy only writes it when asked.
    with open(os.path.join(out, "numpy_f4_v2_2x3.npy"), "wb") as f:
        np.lib.format.write_array(f, ramp((2, 3), np.float32), version=(2, 0))
    # Special values survive a round trip bit for bit.
    np.save(os.path.join(out, "numpy_f4_special_4.npy"), np.array([np.inf, -np.inf, -0.0, 1e-45], np.float32))


if __name__ == "__main__":
    main()
