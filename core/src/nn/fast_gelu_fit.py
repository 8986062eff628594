#!/usr/bin/env python3
"""Fits the GELU polynomial table (gelu_polynomial.h, kPhiCoefficients) and prints it as C++.

Phi(-t) = erfc(t / sqrt 2) / 2 on 32 pieces centred on i h, i = 0..31, h = 6 / 31.5 (together
[0, 6]): a degree-4 polynomial in u = t - i h, |u| <= h / 2, per piece, least squares in float64 on
4001 Chebyshev nodes of the piece. Also prints the GELU's worst absolute error over [-12, 12] with
the table rounded to float32 and evaluated in float32 as the kernel does, the piece taken from the
low bits of t / h + 1.5 * 2^23 (2.39e-7: float32 rounding, not the fit, sets it; libtorch's own
float32 GELU: 3.78e-7). LAPACK's solve may move the ninth digit between runs, below float32's
resolution except in coefficients that are zero by symmetry (~1e-11).

Run with Debian's python3-torch: python3 core/src/nn/fast_gelu_fit.py
"""
import math

import torch

torch.set_default_dtype(torch.float64)
PIECES, DEGREE, END = 32, 4, 6.0
H = END / (PIECES - 0.5)


def phi_of_minus(t):
    return 0.5 * torch.special.erfc(t / math.sqrt(2))


def fit():
    n = 4001
    u = H / 2 * torch.cos(math.pi * (torch.arange(n) + 0.5) / n)  # Chebyshev nodes of [-h/2, h/2]
    powers = torch.stack([u**d for d in range(DEGREE, -1, -1)], dim=1)
    columns = []
    for i in range(PIECES):
        y = phi_of_minus(u + i * H).unsqueeze(1)
        columns.append(torch.linalg.lstsq(powers, y).solution.squeeze(1))
    return torch.stack(columns, dim=1)  # (DEGREE + 1) x PIECES, highest degree first


def fma(a, b, c):  # one rounding, as the kernel's FMA
    return (a.double() * b.double() + c.double()).float()


def gelu_error(table):
    c = table.float()
    x = torch.linspace(-12, 12, 4000001, dtype=torch.float32)
    t = x.abs()
    magic = torch.tensor(1.5 * 2**23, dtype=torch.float32)
    width = torch.tensor(H, dtype=torch.float32)
    shifted = fma(t, torch.tensor(1 / H, dtype=torch.float32), magic)
    piece = (shifted.view(torch.int32) & (PIECES - 1)).long()
    u = fma(-(shifted - magic), width, t)
    q = c[0][piece]
    for d in range(1, DEGREE + 1):
        q = fma(q, u, c[d][piece])
    r = torch.where(t < END, x * q, torch.zeros_like(x))
    gelu = torch.where(x >= 0, x - r, r)
    exact = x.double() * (1 - phi_of_minus(x.double()))
    return (gelu.double() - exact).abs().max().item()


def main():
    table = fit()
    print("alignas(64) inline constexpr float kPhiCoefficients[%d][%d] = {" % (DEGREE + 1, PIECES))
    for row in table.tolist():
        print("    {" + ", ".join("%.9ef" % v for v in row) + "},")
    print("};")
    print("// GELU max |error| over [-12, 12], float32: %.3g" % gelu_error(table))


if __name__ == "__main__":
    main()
