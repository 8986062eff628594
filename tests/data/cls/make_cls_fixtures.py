#!/usr/bin/python3
"""Generates the RevCol classification fixtures of this folder from the official code.

Run with Debian's python3-torch 1.13 (/usr/bin/python3, not a pyenv python):
    /usr/bin/python3 tests/data/cls/make_cls_fixtures.py [--mirror PATH]

The official code (github:megvii-research/RevCol) is exported from the local mirror into a
temporary folder (never into the repository) and imported from there; `timm.models.layers` is
stubbed with the two names it uses. Each variant is built with random weights (init below), saved
as {'model': state_dict} (alphas stored before the clamp, like real checkpoints) and run on the
224x224 test image; the outputs go to <name>_expected.pt with the names of the shared fixtures:
  cls_blocks.{k}.logits | cls.logits, decoder_blocks.{k}.out.sub3 ([:, ::3, ::3]),
  subnet{i}.c0.sub3, subnet{i}.c1 .. c3   (batch dimension dropped).
cls_input_224.pt holds {'input': ToTensor+Normalize of cls_input_224.png} for the torch-only tests.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import types

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]

# name: (constructor, channels, layers, columns, kernel, classes, inter_supv, tiny alpha fraction)
# Tiny alphas (|a| < 1e-3, raised by the official clamp) also make the reversible inversion
# ill-conditioned (division by 1e-3 per level), so one variant has none: its float64 inversion
# must be exact to rounding.
VARIANTS = {
    # a single `cls` head (inter_supv=False), kernel 5, two columns
    "cls_revcol_single_s2_k5": ("revcol", [8, 16, 32, 64], [1, 1, 2, 1], 2, 5, 10, False, 0.1),
    # SimDecoder (num_classes > 1000), four columns
    "cls_revcol_simdec_s4_k3": ("revcol", [8, 16, 16, 16], [1, 2, 1, 1], 4, 3, 1100, True, 0.1),
    # RevCol-H with a single head
    "cls_revcol_huge_single_s3_k3": ("huge", [8, 16, 32, 64], [1, 1, 1, 1], 3, 3, 10, False, 0.0),
}


def stub_timm():
    """timm is only used for trunc_normal_ (init) and DropPath (inactive in eval)."""
    timm = types.ModuleType("timm")
    models = types.ModuleType("timm.models")
    layers = types.ModuleType("timm.models.layers")

    def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
        with torch.no_grad():
            return tensor.normal_(mean, std).clamp_(a, b)

    class DropPath(torch.nn.Module):
        def __init__(self, drop_prob=0.0):
            super().__init__()
            self.drop_prob = drop_prob

        def forward(self, x):
            return x

    layers.trunc_normal_ = trunc_normal_
    layers.DropPath = DropPath
    timm.models = models
    models.layers = layers
    sys.modules.update({"timm": timm, "timm.models": models, "timm.models.layers": layers})


def export_official(mirror, dest):
    archive = os.path.join(dest, "models.tar")
    subprocess.run(["git", "-C", mirror, "archive", "-o", archive, "HEAD", "models"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest)
    sys.path.insert(0, dest)


def init_weights_(model, gen, tiny_fraction):
    """Realistic magnitudes (the official init has layer scale 1e-6: every block ~ identity)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if ".alpha" in name:
                mag = torch.rand(p.shape, generator=gen) * 0.8 + 0.2
                sign = torch.where(torch.rand(p.shape, generator=gen) < 0.25, -1.0, 1.0)
                tiny = torch.rand(p.shape, generator=gen) < tiny_fraction
                val = torch.where(tiny, (torch.rand(p.shape, generator=gen) * 2 - 1) * 1e-3, mag * sign)
                p.copy_(val)
            elif name.endswith("gamma"):
                p.copy_(torch.rand(p.shape, generator=gen) * 0.8 + 0.2)
            elif name.endswith("weight") and p.dim() >= 2:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=gen) / fan_in ** 0.5)
            elif name.endswith("weight"):
                p.copy_(torch.rand(p.shape, generator=gen) * 0.6 + 0.7)
            else:
                is_norm = dict(model.named_parameters())[name[:-4] + "weight"].dim() == 1
                p.copy_(torch.randn(p.shape, generator=gen) * (0.1 if is_norm else 0.05))


def load_input():
    img = np.asarray(Image.open(os.path.join(HERE, "cls_input_224.png")).convert("RGB"))
    x = torch.from_numpy(img.copy()).permute(2, 0, 1).float() / 255.0
    mean = torch.tensor(MEAN).view(3, 1, 1)
    std = torch.tensor(STD).view(3, 1, 1)
    return ((x - mean) / std).contiguous()


def digest(t):
    return hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()[:16]


def build(kind, channels, layers, columns, kernel, classes, inter_supv, _tiny):
    if kind == "huge":
        from models.revcol_huge import RevColHuge as Net
    else:
        from models.revcol import FullNet as Net
    return Net(list(channels), list(layers), columns, kernel_size=kernel, num_classes=classes,
               drop_path=0.0, save_memory=False, inter_supv=inter_supv)


def run(name, spec, x, seed):
    model = build(*spec)
    init_weights_(model, torch.Generator().manual_seed(seed), spec[7])
    model.eval()
    # State dict before the forward: the official forward clamps the alphas in place.
    state = {k: v.clone() for k, v in model.state_dict().items()}
    torch.save({"model": state}, os.path.join(HERE, name + ".pth"))

    expected = {}
    columns = spec[3]
    for i in range(columns):
        def hook(_module, _inputs, outputs, i=i):
            c0, c1, c2, c3 = outputs
            expected[f"subnet{i}.c0.sub3"] = c0[0, :, ::3, ::3].contiguous()
            expected[f"subnet{i}.c1"] = c1[0].contiguous()
            expected[f"subnet{i}.c2"] = c2[0].contiguous()
            expected[f"subnet{i}.c3"] = c3[0].contiguous()
        getattr(model, f"subnet{i}").register_forward_hook(hook)
    with torch.no_grad():
        logits, images = model(x.unsqueeze(0))
    if spec[6]:
        for k, l in enumerate(logits):
            expected[f"cls_blocks.{k}.logits"] = l[0].contiguous()
        for k, img in enumerate(images):
            expected[f"decoder_blocks.{k}.out.sub3"] = img[0, :, ::3, ::3].contiguous()
    else:
        expected["cls.logits"] = logits[0][0].contiguous()
    torch.save(dict(sorted(expected.items())), os.path.join(HERE, name + "_expected.pt"))
    tiny = sum(int((v.abs() < 1e-3).sum()) for k, v in state.items() if ".alpha" in k)
    print(f"{name}: {sum(v.numel() for v in state.values())} weights, {tiny} alphas below 1e-3, "
          f"{len(expected)} expected tensors")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default="/work/.mirror/megvii-research+RevCol/repo")
    args = parser.parse_args()
    torch.set_num_threads(2)
    stub_timm()
    x = load_input()
    print("input digest", digest(x))
    torch.save({"input": x}, os.path.join(HERE, "cls_input_224.pt"))
    with tempfile.TemporaryDirectory() as tmp:
        export_official(args.mirror, tmp)
        for seed, (name, spec) in enumerate(VARIANTS.items()):
            run(name, spec, x, 1234 + seed)


if __name__ == "__main__":
    main()
