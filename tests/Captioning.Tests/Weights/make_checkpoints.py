"""Writes the PyTorch checkpoints the PthCheckpoint tests read, plus the values they must hold.

Usage: /usr/bin/python3 make_checkpoints.py OUT_DIR MARKER_PATH

Every checkpoint is made by torch.save itself, so the C# reader is checked against the real
writer. expected.json maps file -> key -> {dtype, shape, hex}, where hex is the tensor's
row-major little-endian bytes.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import tarfile

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
# Without the views, every tensor is dense in its own storage: the files PthCheckpoint hands to TorchSharp.PyBridge.
plain = collections.OrderedDict((k, v) for k, v in sd.items() if k not in ("extra.transposed", "extra.shared_slice", "extra.shared_column"))
save("plain.pth", plain)
expected["plain.pth"] = {k: describe(v) for k, v in plain.items()}

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

# Legacy (non-zip) format, as torch < 1.6 wrote it and torch 1.13 still can.
save("legacy.pth", sd, _use_new_zipfile_serialization=False)
expected["legacy.pth"] = expected["model.pth"]
# Pickles longer than the reader's first 1 MiB chunk make it read further.
save("legacy-long-key.pth", {"w" * 1_500_000: torch.arange(3.0)}, _use_new_zipfile_serialization=False)
save("legacy-evil.pth", {"weight": torch.ones(2), "payload": Evil()}, _use_new_zipfile_serialization=False)


class FakeStorage:
    """Stands for a storage in the hand-written legacy file; persistent_id turns it into its id tuple."""

    def __init__(self, pid):
        self.pid = pid


class FakeTensor:
    def __init__(self, rebuild, args):
        self.rebuild, self.args = rebuild, args

    def __reduce__(self):
        return (self.rebuild, self.args)


class Py2OrderedDict:
    """Pickles as Python 2's OrderedDict did: OrderedDict called with a list of [key, value] lists."""

    def __init__(self, items):
        self.items = items

    def __reduce__(self):
        return (collections.OrderedDict, ([[k, v] for k, v in self.items],))


def write_legacy_by_hand(path, view_offset=4):
    """A legacy file torch 1.13 cannot write itself: a storage view (torch < 0.4) and _rebuild_tensor."""
    root = FakeStorage(("storage", torch.FloatStorage, "100", "cpu", 12, None))
    view = FakeStorage(("storage", torch.FloatStorage, "100", "cpu", 12, ("101", view_offset, 6)))
    longs = FakeStorage(("storage", torch.LongStorage, "7", "cpu", 3, None))
    hooks = collections.OrderedDict()
    obj = Py2OrderedDict([
        ("from_view", FakeTensor(torch._utils._rebuild_tensor_v2, (view, 1, (2, 2), (1, 2), False, hooks))),
        ("from_root", FakeTensor(torch._utils._rebuild_tensor_v2, (root, 0, (3,), (4,), False, hooks))),
        ("old_rebuild", FakeTensor(torch._utils._rebuild_tensor, (longs, 1, (2,), (1,)))),
    ])
    with open(path, "wb") as f:
        for header in (0x1950a86a20f9469cfc6c, 1001, dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=8))):
            pickle.dump(header, f, protocol=2)
        pickler = pickle.Pickler(f, protocol=2)
        pickler.persistent_id = lambda o: o.pid if isinstance(o, FakeStorage) else None
        pickler.dump(obj)
        pickle.dump(["7", "100"], f, protocol=2)  # not sorted: the reader must follow the listed order
        for data in (torch.tensor([-5, 6, 2 ** 40]), torch.arange(12, dtype=torch.float32) * 0.25):
            f.write(struct.pack("<q", data.numel()))
            f.write(data.numpy().tobytes())


write_legacy_by_hand(os.path.join(out, "legacy-handmade.pth"))
write_legacy_by_hand(os.path.join(out, "legacy-bad-view.pth"), view_offset=7)  # elements 7..12 of 12
handmade = torch.load(os.path.join(out, "legacy-handmade.pth"))
assert handmade["from_view"].tolist() == [[1.25, 1.75], [1.5, 2.0]], handmade["from_view"]
expected["legacy-handmade.pth"] = {k: describe(v) for k, v in handmade.items()}

# The tar format of torch 0.1-0.3: a tar with 'storages', 'tensors' and 'pickle' members.
with tarfile.open(os.path.join(out, "legacy-tar.pth"), "w", format=tarfile.PAX_FORMAT) as tar:
    for name in ("storages", "tensors", "pickle"):
        payload = pickle.dumps(0, protocol=2)
        info = tarfile.TarInfo(name)
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f)
print("ok", torch.__version__)
