"""Learning rates torch.optim.lr_scheduler.ReduceLROnPlateau gives for a sequence of epoch metrics.

usage: plateau_oracle.py LR FACTOR PATIENCE METRIC... ; prints the rate of epoch 1, 2, ... (one more than metrics), one per line,
as the trainer records it: the rate an epoch ran at, before that epoch's metric is reported.
"""
import sys

import torch

lr, factor, patience = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
metrics = [float(m) for m in sys.argv[4:]]
optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=lr)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=factor, patience=patience)
print(repr(optimizer.param_groups[0]["lr"]))
for metric in metrics:
    scheduler.step(metric)
    print(repr(optimizer.param_groups[0]["lr"]))
