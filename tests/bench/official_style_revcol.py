#!/usr/bin/python3
"""RevCol forward timed the way people run the official PyTorch code: eager, float32, batch 1.

Our own re-statement of the official architecture (models/revcol.py, models/modules.py of
github:megvii-research/RevCol) with the same operations in the same order: permute-based ConvNeXt
blocks with nn.LayerNorm + erf nn.GELU, the channels-first LayerNorm written out as mean / pow /
sqrt, nn.Upsample(nearest), alpha * c + level(...). Random weights (timing only). Run with
Debian's python3-torch 1.13 (/usr/bin/python3). Not a test. Left out: what the official forward
does besides the arithmetic with its default save_memory=True (clamping the 16 alphas and saving
the RNG state before each level): 0.15 ms per forward, measured here.

    /usr/bin/python3 tests/bench/official_style_revcol.py [--reps N] [--threads N]
        [--what classify|validate|backbone] [--height H --width W]

classify: stem + 4 columns + the 4 intermediate-supervision heads (what revcol-cli classify runs);
validate: also the 3 image decoders (model(x) of the official main.py validate);
backbone: stem + 4 columns, c0..c3 of the last column (the detection backbone).
Prints one line: `official <what> <H>x<W> threads=<n> median_ms=<ms> min_ms=<ms> peak_rss_mb=<mb>`.
Run it with and without GLIBC_TUNABLES (see speed_bench.sh) to see the allocator's share.
"""
import argparse
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ChannelsFirstNorm(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class Block(nn.Module):
    def __init__(self, c, hidden, kernel):
        super().__init__()
        self.dwconv = nn.Conv2d(c, c, kernel, padding=(kernel - 1) // 2, groups=c)
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.pwconv1 = nn.Linear(c, hidden)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(hidden, c)
        self.gamma = nn.Parameter(1e-6 * torch.ones(c))

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.pwconv2(self.act(self.pwconv1(self.norm(y))))
        return x + (self.gamma * y).permute(0, 3, 1, 2)


class UpSample(nn.Module):
    def __init__(self, ratio, cin, cout):
        super().__init__()
        self.linear = nn.Linear(cin, cout)
        self.norm = nn.LayerNorm(cout, eps=1e-6)
        self.up = nn.Upsample(scale_factor=2**ratio, mode="nearest")

    def forward(self, x):
        return self.up(self.norm(self.linear(x.permute(0, 2, 3, 1))).permute(0, 3, 1, 2))


class Level(nn.Module):
    def __init__(self, level, channels, layers, kernel, first_col):
        super().__init__()
        self.level, self.first_col = level, first_col
        c = channels[level]
        self.down = (nn.Sequential(nn.Conv2d(channels[level - 1], c, 2, stride=2), ChannelsFirstNorm(c))
                     if level > 0 else nn.Identity())
        self.up = UpSample(1, channels[level + 1], c) if (not first_col and level < 3) else None
        self.blocks = nn.Sequential(*[Block(c, 4 * c, kernel) for _ in range(layers[level])])

    def forward(self, c_down, c_up):
        x = self.down(c_down)
        if self.up is not None:
            x = self.up(c_up) + x
        return self.blocks(x)


class Column(nn.Module):
    def __init__(self, channels, layers, kernel, first_col):
        super().__init__()
        self.alpha = nn.ParameterList([nn.Parameter(0.5 * torch.ones(1, c, 1, 1)) for c in channels])
        self.levels = nn.ModuleList([Level(l, channels, layers, kernel, first_col) for l in range(4)])

    def forward(self, x, c0, c1, c2, c3):
        a, L = self.alpha, self.levels
        c0 = a[0] * c0 + L[0](x, c1)
        c1 = a[1] * c1 + L[1](c0, c2)
        c2 = a[2] * c2 + L[2](c1, c3)
        c3 = a[3] * c3 + L[3](c2, None)
        return c0, c1, c2, c3


class Classifier(nn.Module):
    def __init__(self, c, classes):
        super().__init__()
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(self.norm(F.adaptive_avg_pool2d(x, 1).flatten(1)))


class Decoder(nn.Module):
    """Decoder(depth=[1,1,1,1], dim=reversed(channels), kernel 3) of the official code."""

    def __init__(self, channels):
        super().__init__()
        dims = list(reversed(channels))
        self.proj = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(dims[i - 1], dims[i], 1), ChannelsFirstNorm(dims[i]), nn.GELU()) for i in range(1, 4)])
        self.normal = nn.ModuleList([Block(dims[i], dims[i], 3) for i in range(1, 4)])
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        self.projback = nn.Sequential(nn.Conv2d(dims[-1], 4 * 4 * 3, 1), nn.PixelShuffle(4))

    def forward(self, x):
        for proj, normal in zip(self.proj, self.normal):
            x = normal(self.up(proj(x)))
        return self.projback(x)


class RevColT(nn.Module):
    def __init__(self, channels=(64, 128, 256, 512), layers=(2, 2, 4, 2), columns=4, kernel=3, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, channels[0], 4, stride=4), ChannelsFirstNorm(channels[0]))
        self.columns = nn.ModuleList([Column(channels, layers, kernel, i == 0) for i in range(columns)])
        self.heads = nn.ModuleList([Classifier(channels[3], classes) for _ in range(4)])
        self.decoders = nn.ModuleList([Decoder(channels) for _ in range(3)])

    def forward(self, x, what):
        c0 = c1 = c2 = c3 = 0
        x = self.stem(x)
        logits, images = [], []
        interval = len(self.columns) // 4
        for i, col in enumerate(self.columns):
            c0, c1, c2, c3 = col(x, c0, c1, c2, c3)
            if what != "backbone" and (i + 1) % interval == 0:
                logits.append(self.heads[i // interval](c3))
                if what == "validate" and i != len(self.columns) - 1:
                    images.append(self.decoders[i // interval](c3))
        return (c0, c1, c2, c3) if what == "backbone" else (logits, images)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--threads", type=int, default=0, help="0: torch's default")
    p.add_argument("--what", choices=["classify", "validate", "backbone"], default="classify")
    p.add_argument("--height", type=int, default=224)
    p.add_argument("--width", type=int, default=224)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = RevColT().eval()
    for m in model.modules():  # weights of the official init scale, so activations stay realistic
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.trunc_normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
    x = torch.randn(1, 3, a.height, a.width)
    times = []
    with torch.no_grad():  # what the official validate() runs under
        model(x, a.what)  # warm-up
        for _ in range(a.reps):
            t0 = time.perf_counter()
            model(x, a.what)
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"official {a.what} {a.height}x{a.width} threads={torch.get_num_threads()} "
          f"median_ms={times[len(times) // 2]:.1f} min_ms={times[0]:.1f} peak_rss_mb={rss:.0f}", flush=True)


if __name__ == "__main__":
    main()
