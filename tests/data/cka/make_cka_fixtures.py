#!/usr/bin/python3
"""Generates the fixtures of tests/core/cka_test.cpp from the official RevCol tools/visual.py.

    /usr/bin/python3 tests/data/cka/make_cka_fixtures.py [path/to/RevCol/git/dir]

The official CKA functions (unbiased_HSIC, CKA, calculate_CKA_for_two_matrices) are extracted at
run time from `git show HEAD:tools/visual.py` of a RevCol checkout (default: the bare mirror
/work/.mirror/megvii-research+RevCol/repo) into /tmp and executed there; their code is not kept in
this repository. Inputs are seeded random arrays; outputs go to this folder:

  expected.json   per case: the two float32 batches as our C++ API takes them ([n, ...] shape and
                  flat C-order values; exact, as Python floats) or the int64 labels, and the
                  official CKA of those float32 values widened to float64 (compare to 1e-9 rel)
                  and on float32 arrays (what visual.py really runs: float32 Gram matrices)
"""
import ast
import json
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/megvii-research+RevCol/repo"
WANTED = ("unbiased_HSIC", "CKA", "calculate_CKA_for_two_matrices")


def load_official():
    src = subprocess.run(["git", "-C", REPO, "show", "HEAD:tools/visual.py"], check=True, capture_output=True,
                         text=True).stdout
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    tree = ast.parse(src)
    funcs = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in WANTED]
    assert sorted(f.name for f in funcs) == sorted(WANTED), [f.name for f in funcs]
    code = "import numpy as np\n\n" + "\n\n".join(ast.get_source_segment(src, f) for f in funcs) + "\n"
    path = "/tmp/revcol_official_cka.py"
    with open(path, "w") as f:
        f.write(code)
    ns = {}
    exec(compile(code, path, "exec"), ns)
    return ns, commit


def main():
    official, commit = load_official()
    cka2 = official["calculate_CKA_for_two_matrices"]
    rng = np.random.default_rng(20240607)
    cases = {}

    def add(name, x, y, note, official_x=None, official_y=None, labels=None):
        """x, y: [n, ...] float32 batches in our layout; official_*: the arrays visual.py would pass."""
        x = x.astype(np.float32)
        y = y.astype(np.float32)
        ox = x if official_x is None else official_x
        oy = y if official_y is None else official_y
        entry = {"note": note, "x_shape": list(x.shape), "x": [float(v) for v in x.ravel()]}
        if labels is None:
            entry.update({"y_shape": list(y.shape), "y": [float(v) for v in y.ravel()]})
        else:
            entry["labels"] = [int(v) for v in labels]
        cases[name] = entry
        entry.update({
            # The float32 values saved above, widened to float64: the official math in double.
            "official_f64": float(cka2(ox.astype(np.float32).astype(np.float64),
                                       oy.astype(np.float32).astype(np.float64))),
            # What visual.py computes in practice (feat.float().numpy()): float32 Gram matrices.
            "official_f32": float(cka2(ox.astype(np.float32), oy.astype(np.float32))),
        })

    # Plain matrices, smallest allowed n, and a correlated pair.
    x = rng.normal(size=(4, 3))
    y = rng.normal(size=(4, 5))
    add("n4", x, y, "n = 4, the smallest batch the unbiased estimator allows")
    x = rng.normal(size=(10, 6))
    y = x @ rng.normal(size=(6, 9)) + 0.3 * rng.normal(size=(10, 9))
    add("correlated", x, y, "Y = X W + noise, n = 10")
    x = rng.normal(size=(12, 20)) + 3.0  # a large common offset: unbiased HSIC must ignore it
    y = rng.normal(size=(12, 7))
    add("offset", x, y, "X with a mean far from 0")

    # plot_cka's feature-vs-image comparison: features [n, C, H, W] (official: flatten(2).transpose(1, 2),
    # i.e. [n, HW, C]) against the normalised images [n, 3, H, W] (official: permute(0, 2, 3, 1).flatten(1)).
    n = 16
    images = torch.from_numpy(rng.normal(size=(n, 3, 8, 8)).astype(np.float32))
    feat = torch.from_numpy(rng.normal(size=(n, 5, 4, 4)).astype(np.float32))
    feat = feat + 3 * torch.nn.functional.avg_pool2d(images, 2).repeat(1, 2, 1, 1)[:, :5]
    add("features_vs_images", feat.numpy(), images.numpy(), "plot_cka: (column, level) feature vs input pixels",
        official_x=feat.flatten(2).transpose(1, 2).numpy(),
        official_y=images.permute(0, 2, 3, 1).flatten(1).numpy())

    # plot_cka's feature-vs-label comparison: one_hot(targets, 1000) + 1e-6 (float32), some labels repeated.
    targets = torch.from_numpy(rng.integers(0, 6, size=n).astype(np.int64) * 137)
    one_hots = torch.nn.functional.one_hot(targets, num_classes=1000) + 1e-6
    assert one_hots.dtype == torch.float32
    add("features_vs_labels", feat.numpy(), one_hots.numpy(), "plot_cka: feature vs one-hot labels (+1e-6)",
        official_x=feat.flatten(2).transpose(1, 2).numpy(), official_y=one_hots.float().numpy(),
        labels=targets.numpy())

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"generator": "make_cka_fixtures.py", "official": f"megvii-research/RevCol {commit} tools/visual.py",
                   "numpy": np.__version__, "torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    for k, v in cases.items():
        print(k, v["official_f64"], v["official_f32"], abs(v["official_f64"] - v["official_f32"]) / abs(v["official_f64"]))


if __name__ == "__main__":
    main()
