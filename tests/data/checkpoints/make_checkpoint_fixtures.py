#!/usr/bin/python3
"""Writes the small torch.save files the checkpoint reader tests load, plus expected.json.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_checkpoint_fixtures.py
Every layout the reader must understand appears once; tensors are tiny on purpose.
"""
import collections
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
expected = {}


def describe_tensors(named):
    out = []
    for name, t in named:
        t = t.detach()
        flat = t.reshape(-1)
        out.append({
            "name": name,
            "shape": list(t.shape),
            "dtype": str(t.dtype).replace("torch.", ""),
            "sum": float(flat.double().sum()) if flat.numel() else 0.0,
            "first": [float(x) for x in flat[:4].double().tolist()],
            "contiguous": t.is_contiguous(),
            "storage_offset": t.storage_offset(),
        })
    return out


def save(name, obj, **kwargs):
    torch.save(obj, os.path.join(HERE, name), **kwargs)


def tiny_model():
    m = nn.Sequential(nn.Conv2d(3, 4, 2), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4, 3))
    m[1].running_mean.uniform_(-1, 1)
    m[1].num_batches_tracked.fill_(7)
    return m


# Official RevCol classification release: {'model', 'optimizer', 'epoch', 'max_accuracy', 'model_ema', ...}
model = tiny_model()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
model(torch.randn(2, 3, 2, 2)).sum().backward()
opt.step()
sd = model.state_dict()  # an OrderedDict with a _metadata attribute
ema = collections.OrderedDict((k, v * 2 if v.is_floating_point() else v.clone()) for k, v in sd.items())
ema._metadata = sd._metadata
save("cls_with_ema.pth", {
    "model": sd,
    "optimizer": opt.state_dict(),
    "lr_scheduler": {"base_lrs": [1e-3], "last_epoch": 3, "_step_count": 4},
    "max_accuracy": np.float64(81.25),
    "scaler": {"scale": 65536.0, "growth_factor": 2.0, "_growth_tracker": 0},
    "epoch": np.int64(3),
    "model_ema": ema,
})
expected["cls_with_ema.pth"] = {
    "weights_source": "model", "has_ema": True,
    "top_level_keys": ["model", "optimizer", "lr_scheduler", "max_accuracy", "scaler", "epoch", "model_ema"],
    "tensors": describe_tensors(sd.items()), "ema_tensors": describe_tensors(ema.items()),
}

# mmcv save_checkpoint: {'meta': {...}, 'state_dict': ..., 'optimizer': ...}
mm_sd = collections.OrderedDict(("backbone." + k, v) for k, v in sd.items())
mm_sd._metadata = collections.OrderedDict(("backbone." + k if k else k, v) for k, v in sd._metadata.items())
meta = {
    "mmcv_version": "1.5.0", "time": "Thu Jan  1 00:00:00 2023", "mmdet_version": "2.23.0",
    "CLASSES": ("person", "bicycle", "car"),
    "PALETTE": [(220, 20, 60), (119, 11, 32), (0, 0, 142)],
    "config": "model = dict(type='CascadeRCNN', backbone=dict(type='RevCol'))\n",
    "epoch": 12, "iter": 1000, "seed": np.int64(42),
    "hook_msgs": {"best_score": np.float32(0.5), "best_ckpt": "epoch_12.pth"},
    "env_info": "sys.platform: linux\nPython: 3.11",
}
save("mmcv_meta.pth", {"meta": meta, "state_dict": mm_sd, "optimizer": opt.state_dict()})
expected["mmcv_meta.pth"] = {
    "weights_source": "state_dict", "has_ema": False, "top_level_keys": ["meta", "state_dict", "optimizer"],
    "class_names": list(meta["CLASSES"]), "config_text": meta["config"], "tensors": describe_tensors(mm_sd.items()),
}

# A bare state dict, and one saved from a DataParallel model ('module.' prefix).
save("bare_state_dict.pth", sd)
expected["bare_state_dict.pth"] = {"weights_source": "root", "has_ema": False,
                                   "top_level_keys": list(sd.keys()), "tensors": describe_tensors(sd.items())}
dp_sd = nn.DataParallel(model).state_dict()
save("dataparallel.pth", dp_sd)
expected["dataparallel.pth"] = {"weights_source": "root", "has_ema": False, "top_level_keys": list(dp_sd.keys()),
                                "tensors": describe_tensors(sd.items())}

# The same state dict written with pickle protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE, ...).
save("protocol4.pth", {"model": sd}, pickle_protocol=4)
expected["protocol4.pth"] = {"weights_source": "model", "has_ema": False, "top_level_keys": ["model"],
                             "tensors": describe_tensors(sd.items())}

# Every storage type, parameters, views sharing one storage, nesting, for readTensorFile.
base = torch.arange(60, dtype=torch.float32) * 0.5
p_state = nn.Parameter(torch.tensor([1.0, -2.0]))
p_state.tag = "has python state"  # saved through _rebuild_parameter_with_state
tensors = collections.OrderedDict([
    ("float32", torch.randn(2, 3)),
    ("float64", torch.randn(3, dtype=torch.float64)),
    ("float16", torch.randn(2, 2).half()),
    ("bfloat16", torch.randn(2, 2).bfloat16()),
    ("int64", torch.tensor([-(2 ** 40), 5, 7])),
    ("int32", torch.tensor([-3, 2 ** 30], dtype=torch.int32)),
    ("int16", torch.tensor([-300, 300], dtype=torch.int16)),
    ("int8", torch.tensor([-128, 127], dtype=torch.int8)),
    ("uint8", torch.tensor([0, 200, 255], dtype=torch.uint8)),
    ("bool", torch.tensor([True, False, True])),
    ("scalar", torch.tensor(3.5)),
    ("empty", torch.zeros(0, 3)),
    ("param", nn.Parameter(torch.tensor([[0.25, 0.5]]))),
    ("param_state", p_state),
    ("view.base", base),
    ("view.transposed", base.view(6, 10).t()),
    ("view.offset", base[10:30].view(4, 5)),
    ("view.strided", base[5::7]),
    ("view.expanded", base[:3].expand(4, 3)),
])
nested = collections.OrderedDict(tensors)
nested["nested"] = {"a": {"b": torch.ones(2)}, "list": [torch.zeros(1), torch.full((1,), 9.0)]}
nested["note"] = "not a tensor"
save("dtypes_and_views.pth", nested)
flat = list(tensors.items()) + [("nested.a.b", torch.ones(2)), ("nested.list.0", torch.zeros(1)),
                                ("nested.list.1", torch.full((1,), 9.0))]
expected["dtypes_and_views.pth"] = {"tensors": describe_tensors(flat)}

# Written by PyTorch < 1.6 (the reader must say so), a file with no weights, a pickled module.
save("legacy.pth", {"model": sd}, _use_new_zipfile_serialization=False)
save("not_revcol.pth", {"weights": [1, 2, 3], "name": "hello", "meta": {"epoch": 1}})
save("pickled_module.pth", nn.Linear(2, 2))


class Evil:
    """Unpickling this in Python would run a shell command; the reader must keep it inert."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/revcol_checkpoint_pwned",))


save("evil.pth", {"model": {"w": torch.ones(1)}, "payload": Evil()})
expected["evil.pth"] = {"weights_source": "model", "has_ema": False, "top_level_keys": ["model", "payload"],
                        "tensors": describe_tensors([("w", torch.ones(1))])}

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
