"""Writes PyTorch's weights, inputs and outputs that the model and LSTM oracle tests compare ours with.

Usage: /usr/bin/python3 make_model_oracle.py models PYTORCH_REFERENCE_PY OUT_DIR
       /usr/bin/python3 make_model_oracle.py lstm OUT_DIR

For each case NAME: NAME.pth is the module's state_dict (our modules load it by key), and
NAME.io.pth holds the inputs and PyTorch's outputs. `models` builds the caption models with the
classes of bench/pytorch_reference.py (one PyTorch definition for the bench and the tests) and
writes variants.json with each variant's options; `lstm` uses torch.nn.LSTM and torch.nn.LSTMCell.
"""
import importlib.util
import json
import os
import sys

import torch

VOCAB, FEATURES, EMBED, HIDDEN = 13, 10, 6, 8
START = 1

# name -> (architecture as the CLI names it, merge combine, layers); stacked LSTMs in three of them.
VARIANTS = {
    "merge-add": ("merge", "add", 1),
    "merge-concat": ("merge", "concat", 2),
    "init-inject": ("init-inject", "add", 2),
    "pre-inject": ("pre-inject", "add", 2),
    "par-inject": ("par-inject", "add", 1),
}


def save(out, name, module, io):
    torch.save(module.state_dict(), os.path.join(out, f"{name}.pth"))
    torch.save({k: v.contiguous() for k, v in io.items()}, os.path.join(out, f"{name}.io.pth"))


def reference_module(path):
    spec = importlib.util.spec_from_file_location("pytorch_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(ref, architecture, combine, layers):
    # Dropout rates are set (and inactive in eval mode) so that a model applying them at test time differs.
    options = dict(layers=layers, dropout=0.5, lstm_dropout=0.2)
    if architecture == "merge":
        return ref.Merge(VOCAB, FEATURES, EMBED, HIDDEN, combine=combine, **options)
    kind = {"init-inject": ref.InitInject, "pre-inject": ref.PreInject, "par-inject": ref.ParInject}[architecture]
    return kind(VOCAB, FEATURES, EMBED, HIDDEN, **options)


def models(reference, out):
    ref = reference_module(reference)
    for seed, (name, (architecture, combine, layers)) in enumerate(VARIANTS.items()):
        torch.manual_seed(100 + seed)
        model = build(ref, architecture, combine, layers).eval()
        features = torch.randn(3, FEATURES)                                         # (B, D)
        ids = torch.randint(3, VOCAB, (3, 5))                                       # (B, T)
        ids[:, 0] = START
        ids[2, 3:] = 0                                                              # a padded row
        with torch.no_grad():
            forward = model(features, ids)                                          # (B, T, V)
            carried = model.start(features)
            steps = []
            for t in range(ids.size(1)):
                logits, carried = model.decode_step(ids[:, t], carried)             # (B, V)
                steps.append(logits)
        save(out, name, model, {"features": features, "ids": ids, "forward": forward, "steps": torch.stack(steps, 1)})
    with open(os.path.join(out, "variants.json"), "w") as f:
        json.dump({name: {"architecture": a, "combine": c, "layers": l, "vocab": VOCAB, "features": FEATURES,
                          "embed": EMBED, "hidden": HIDDEN} for name, (a, c, l) in VARIANTS.items()}, f)


def lstm(out):
    torch.manual_seed(7)
    for layers in (1, 2):
        module = torch.nn.LSTM(3, 4, layers, batch_first=True)
        x = torch.randn(2, 5, 3)                                                    # (B, T, F)
        h0, c0 = torch.randn(layers, 2, 4), torch.randn(layers, 2, 4)               # (L, B, H)
        with torch.no_grad():
            output, (hn, cn) = module(x, (h0, c0))
        save(out, f"lstm{layers}", module, {"x": x, "h0": h0, "c0": c0, "output": output, "hn": hn, "cn": cn})
    cell = torch.nn.LSTMCell(3, 4)
    x, h0, c0 = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    with torch.no_grad():
        h1, c1 = cell(x, (h0, c0))
    save(out, "cell", cell, {"x": x, "h0": h0, "c0": c0, "h1": h1, "c1": c1})


if __name__ == "__main__":
    torch.set_num_threads(1)
    if sys.argv[1] == "models":
        models(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "lstm":
        lstm(sys.argv[2])
    else:
        sys.exit(f"unknown case set {sys.argv[1]}; expected models or lstm")
