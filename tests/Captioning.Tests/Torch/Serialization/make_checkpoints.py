"""Writes the PyTorch checkpoints the PthCheckpoint tests read, plus the values they must hold.

Usage: /usr/bin/python3 make_checkpoints.py OUT_DIR MARKER_PATH

Every checkpoint is made by torch.save itself, so the C# reader is checked against the real
writer. expected.json maps file -> key -> {dtype, shape, hex}, where hex is the tensor's
row-major little-endian bytes.
"""
import collections
import json
import os
import sys

import torch

out, marker = sys.argv[1], sys.argv[2]
torch.manual_seed(7)


def describe(t):
    flat = t.detach().contiguous().reshape(-1)
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "hex": flat.view(torch.uint8).numpy().tobytes().hex(),
    }


def state_dict():
    model = torch.nn.Sequential(
        torch.nn.Conv2d(2, 3, kernel_size=3),
        torch.nn.BatchNorm2d(3),
        torch.nn.Flatten(),
        torch.nn.Linear(12, 4),
    )
    model.train()
    model(torch.randn(5, 2, 4, 4))  # moves running stats and num_batches_tracked off their defaults
    sd = model.state_dict()
    sd["extra.half"] = torch.randn(2, 3).half()
    sd["extra.bf16"] = torch.randn(3, 2).bfloat16()
    sd["extra.mask"] = torch.tensor([True, False, True])
    sd["extra.bytes"] = torch.tensor([[0, 255], [7, 128]], dtype=torch.uint8)
    sd["extra.int8"] = torch.tensor([-128, 0, 127], dtype=torch.int8)
    sd["extra.int16"] = torch.tensor([-30000, 2, 30000], dtype=torch.int16)
    sd["extra.int32"] = torch.tensor([[-(2 ** 31), 5], [2 ** 31 - 1, -6]], dtype=torch.int32)
    sd["extra.double"] = torch.randn(4, dtype=torch.float64)
    sd["extra.scalar"] = torch.tensor(3.5)
    sd["extra.empty"] = torch.zeros(0, 3)
    # A transposed view: saved as its 3x5 storage with strides (1, 3) rather than copied.
    sd["extra.transposed"] = torch.arange(15, dtype=torch.float32).reshape(5, 3).t()
    # Two tensors viewing one storage: a slice with an offset and a strided column.
    base = torch.arange(24, dtype=torch.float32) * 0.5
    sd["extra.shared_slice"] = base[5:11]
    sd["extra.shared_column"] = base.view(4, 6)[:, 2]
    return sd


def save(name, obj, **kwargs):
    torch.save(obj, os.path.join(out, name), **kwargs)


sd = state_dict()
expected = {"model.pth": {k: describe(v) for k, v in sd.items()}}
save("model.pth", sd)
save("model-proto4.pth", sd, pickle_protocol=4)
expected["model-proto4.pth"] = expected["model.pth"]

# torchvision files keep the folder name they were saved under (e.g. resnet50-0676ba61/).
tiny = collections.OrderedDict(
    [("conv1.weight", torch.randn(2, 1, 1, 1)), ("fc.bias", torch.tensor([1.5, -2.0]))]
)
save("resnet-tiny.pth", tiny)
os.rename(os.path.join(out, "resnet-tiny.pth"), os.path.join(out, "renamed.pth"))
expected["renamed.pth"] = {k: describe(v) for k, v in tiny.items()}

wrapped = {
    "epoch": 3,
    "state_dict": collections.OrderedDict([("w", torch.nn.Parameter(torch.arange(4.0)))]),
    "optimizer": {"lr": 0.01},
    "nested": {"encoder": {"b": torch.tensor([9, 8], dtype=torch.int64)}},
}
save("wrapped.pth", wrapped)
expected["wrapped.pth"] = {"w": describe(wrapped["state_dict"]["w"])}


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + marker,))


save("evil.pth", {"weight": torch.ones(2), "payload": Evil()})
save("whole-model.pth", torch.nn.Sequential(torch.nn.Linear(2, 2)))  # pickles the module classes themselves
save("legacy.pth", collections.OrderedDict([("w", torch.ones(2))]), _use_new_zipfile_serialization=False)

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f)
print("ok", torch.__version__)
