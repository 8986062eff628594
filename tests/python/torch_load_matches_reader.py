#!/usr/bin/python3
"""torch.load (Debian's python3-torch) reads the demo checkpoints that libtorch's pickle_save wrote,
and yields exactly the tensors our safe reader yields: same names in the same order, dtypes, shapes
and bytes (compared through SHA-256 digests printed by revcol-checkpoint-digest).

usage: torch_load_matches_reader.py REVCOL_CHECKPOINT_DIGEST CKPT...
"""
import hashlib
import subprocess
import sys

import torch

DTYPES = {torch.float32: "float", torch.float64: "double", torch.int64: "long int", torch.uint8: "unsigned char"}


def python_digest(path):
    ckpt = torch.load(path, map_location="cpu")
    if "model" in ckpt:
        source, sd = "model", ckpt["model"]
    else:
        source, sd = "state_dict", ckpt["state_dict"]
        meta = ckpt["meta"]
        assert isinstance(meta["CLASSES"], tuple) and all(isinstance(c, str) for c in meta["CLASSES"]), meta
        assert "pool_scales" in meta["config"], "meta.config lacks the decode head"
    lines = [f"weights_source {source}"]
    for name, t in sd.items():
        t = t.contiguous()
        shape = ",".join(str(d) for d in t.shape)
        digest = hashlib.sha256(t.numpy().tobytes()).hexdigest()
        lines.append(f"{name} {DTYPES.get(t.dtype, str(t.dtype))} [{shape}] {digest}")
    return lines


def main():
    tool, paths = sys.argv[1], sys.argv[2:]
    if not paths:
        print(__doc__)
        return 2
    for path in paths:
        ours = subprocess.run([tool, path], check=True, capture_output=True, text=True).stdout.splitlines()
        theirs = python_digest(path)
        if ours != theirs:
            diff = [(a, b) for a, b in zip(ours, theirs) if a != b][:3]
            print(f"{path}: {len(ours)} lines from our reader, {len(theirs)} from torch.load; first differences: {diff}")
            return 1
        print(f"{path}: {len(theirs) - 1} tensors identical in torch.load and our reader")
    return 0


if __name__ == "__main__":
    sys.exit(main())
