"""Computes the forward value of every tensor op the C# binding exposes, as PyTorch does it.

Usage: /usr/bin/python3 make_op_oracle.py OUT_DIR

Writes OUT_DIR/ops.pth: one torch.save'd dict of tensors, where "<op>.in<i>" are the inputs and
"<op>.out<i>" what PyTorch returns for them. OpForwardTests runs our op of the same name on the
same inputs and compares. Each case states its op exactly as the C# case does (shapes, dims,
scalars), so keep the two in step.
"""
import os
import sys

import torch
import torch.nn.functional as F

out_dir = sys.argv[1]
torch.manual_seed(20)
cases = {}


def case(name, inputs, fn):
    result = fn(*inputs)
    outputs = result if isinstance(result, tuple) else (result,)
    for i, t in enumerate(inputs):
        cases[f"{name}.in{i}"] = t.detach().clone().contiguous()
    for i, t in enumerate(outputs):
        cases[f"{name}.out{i}"] = t.detach().clone().contiguous()


def r(*shape):
    return torch.randn(*shape)


def positive(*shape):
    return torch.rand(*shape) * 1.7 + 0.3


def longs(values, *shape):
    return torch.tensor(values, dtype=torch.int64).reshape(*shape)


# ---- the ops OpGradientTests differentiates ------------------------------------------------------
case("add", [r(2, 3), r(3)], lambda a, b: torch.add(a, b, alpha=0.7))
case("sub", [r(2, 3), r(2, 3)], lambda a, b: torch.sub(a, b, alpha=1.5))
case("mul", [r(2, 3), r(2, 1)], lambda a, b: a * b)
case("div", [r(2, 3), positive(2, 3)], lambda a, b: a / b)
case("pow", [positive(4), r(4)], lambda a, b: a.pow(b))
case("pow_scalar", [positive(4)], lambda a: a.pow(2.5))
case("scalar_ops", [positive(5)], lambda a: (3.0 - a) * 2 + (1.0 / a) - a / 4)
case("neg", [r(5)], lambda a: -a)
case("exp", [r(5)], torch.exp)
case("log", [positive(5)], torch.log)
case("sqrt", [positive(5)], torch.sqrt)
case("rsqrt", [positive(5)], torch.rsqrt)
case("abs", [r(5) * 2], lambda a: (a - 2.0).abs() + a.abs())
case("reciprocal", [positive(5)], torch.reciprocal)
case("maximum", [r(6), r(6)], torch.maximum)
case("minimum", [r(6), r(6)], torch.minimum)
case("clamp", [r(6)], lambda a: a.clamp(-0.5, 0.5))
case("matmul", [r(2, 3, 4), r(4, 2)], torch.matmul)
case("bmm", [r(2, 3, 4), r(2, 4, 2)], torch.bmm)
case("linear", [r(3, 4), r(2, 4), r(2)], F.linear)
case("relu", [r(8)], torch.relu)
case("tanh", [r(5)], torch.tanh)
case("sigmoid", [r(5)], torch.sigmoid)
case("softmax", [r(3, 4)], lambda a: a.softmax(1))
case("log_softmax", [r(3, 4)], lambda a: a.log_softmax(-1))
case("dropout_eval", [r(4, 5)], lambda a: F.dropout(a, 0.3, training=False))
case("embedding", [r(6, 3), longs([0, 2, 2, 5, 1, 0], 2, 3)], lambda w, i: F.embedding(i, w))
case("cat", [r(2, 3), r(2, 2)], lambda a, b: torch.cat([a, b], 1))
case("stack", [r(2, 3), r(2, 3)], lambda a, b: torch.stack([a, b], 0))
case("narrow", [r(4, 5)], lambda a: a.narrow(1, 1, 3))
case("select", [r(4, 5)], lambda a: a.select(0, 2))
case("index_select", [r(4, 3), longs([3, 0, 3], 3)], lambda a, i: a.index_select(0, i))
case("gather", [r(3, 4), longs([0, 3, 1, 1, 2, 0], 3, 2)], lambda a, i: a.gather(1, i))
case("reshape", [r(2, 6)], lambda a: a.reshape(3, -1))
case("permute", [r(2, 3, 4)], lambda a: a.permute(2, 0, 1))
case("transpose", [r(2, 3)], lambda a: a.transpose(0, 1))
case("unsqueeze_squeeze", [r(3)], lambda a: a.unsqueeze(0).squeeze(0).unsqueeze(1).squeeze())
case("expand", [r(3, 1)], lambda a: a.expand(3, 4))
case("repeat", [r(2, 2)], lambda a: a.repeat(2, 3))
case("flatten", [r(2, 3, 2)], lambda a: a.flatten(1))
case("sum", [r(3, 4)], lambda a: a.sum())
case("sum_dim", [r(3, 4)], lambda a: a.sum(1, keepdim=True))
case("mean", [r(3, 4)], lambda a: a.mean())
case("mean_dim", [r(3, 4)], lambda a: a.mean([0]))
case("max_dim", [r(3, 4)], lambda a: tuple(a.max(1)))
case("min_dim", [r(3, 4)], lambda a: tuple(a.min(0)))
case("max_all", [r(3, 4)], lambda a: a.max())
case("topk", [r(3, 5)], lambda a: tuple(a.topk(2)))
case("sort", [r(3, 5)], lambda a: tuple(a.sort(dim=1, descending=True, stable=True)))
case("masked_fill", [r(2, 3), torch.tensor([[True, False, False], [True, False, True]])],
     lambda a, m: a.masked_fill(m, 0.25))
case("where", [r(2, 3), r(2, 3)], lambda a, b: torch.where(a > b, a, b * 2))
case("masked_select", [r(2, 3)], lambda a: a.masked_select(a > 0))
case("cross_entropy", [r(4, 5), longs([1, 0, 4, 2], 4)], lambda z, t: F.cross_entropy(z, t, ignore_index=0))
case("cross_entropy_smoothing", [r(2, 5, 3), longs([1, 0, 4, 2, 3, 3], 2, 3)],
     lambda z, t: F.cross_entropy(z, t, ignore_index=3, label_smoothing=0.1))
case("bce_with_logits", [r(3, 4), torch.tensor([1, 0, 0, 1, 1, 1, 0, 0, 0.5, 0, 1, 0]).reshape(3, 4)],
     F.binary_cross_entropy_with_logits)
case("mse", [r(3, 4), r(3, 4)], F.mse_loss)
case("conv2d", [r(2, 2, 5, 5), r(3, 2, 3, 3), r(3)], lambda x, w, b: F.conv2d(x, w, b, padding=1))
case("conv2d_strided", [r(1, 4, 6, 6), r(4, 2, 3, 3)], lambda x, w: F.conv2d(x, w, None, stride=2, groups=2))
case("max_pool2d", [r(1, 2, 6, 6)], lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True))
case("avg_pool2d", [r(1, 2, 6, 6)], lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False))
case("adaptive_avg_pool2d", [r(1, 2, 7, 5)], lambda x: F.adaptive_avg_pool2d(x, (3, 2)))
case("batch_norm_train", [r(4, 3, 2, 2), r(3), r(3)], lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True))


def batch_norm_running(x, mean, var, w, b):
    mean, var = mean.clone(), var.clone()
    y = F.batch_norm(x, mean, var, w, b, training=True, momentum=0.1, eps=1e-5)
    return y, mean, var  # the running statistics after the in-place update


case("batch_norm_train_running", [r(4, 3, 2, 2), r(3), positive(3), r(3), r(3)], batch_norm_running)
case("batch_norm_eval", [r(4, 3, 2, 2), torch.tensor([0.1, -0.2, 0.3]), torch.tensor([1.5, 0.5, 2.0]), r(3), r(3)],
     lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=False))
case("interpolate_bilinear", [r(1, 2, 4, 5)], lambda x: F.interpolate(x, size=(7, 3), mode="bilinear", align_corners=False))
case("interpolate_antialias", [r(1, 1, 8, 8)],
     lambda x: F.interpolate(x, size=(3, 5), mode="bilinear", align_corners=False, antialias=True))
case("clone_contiguous", [r(3, 2)], lambda a: a.t().contiguous().clone())
case("norm", [r(3, 2)], lambda a: a.norm())
case("cumsum", [r(3, 4)], lambda a: a.cumsum(1))

# ---- forward-only ops and variants the library uses ------------------------------------------------
case("linear_no_bias", [r(2, 3, 4), r(5, 4)], F.linear)
case("log_softmax_3d", [r(2, 3, 6)], lambda a: a.log_softmax(-1))
case("softmax_dim0", [r(3, 4)], lambda a: a.softmax(0))
case("embedding_padding", [r(5, 2), longs([0, 4, 0, 3], 4)], lambda w, i: F.embedding(i, w, padding_idx=0))
case("sign", [torch.tensor([-2.5, 0.0, 3.0, -0.0, 1e-8])], torch.sign)
case("fmod", [r(6) * 4], lambda a: torch.fmod(a, 1.5))
case("floor_divide", [r(6) * 4], lambda a: torch.floor_divide(a, 1.5))
case("compare", [longs([1, 2, 3, 2], 4).float(), longs([2, 2, 1, 3], 4).float()],
     lambda a, b: (a.eq(b), a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b)))
case("compare_scalar", [longs([1, 2, 3, 2], 4).float()],
     lambda a: (a.eq(2), a.ne(2), a.lt(2), a.le(2), a.gt(2), a.ge(2)))
case("logical", [torch.tensor([True, True, False, False]), torch.tensor([True, False, True, False])],
     lambda a, b: (a.logical_and(b), a.logical_or(b), a.logical_not()))
case("nan_finite", [torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), 0.0])],
     lambda a: (a.isnan(), a.isfinite()))
case("all_any", [torch.tensor([True, False, True]), torch.tensor([True, True])],
     lambda a, b: (a.all(), a.any(), b.all(), torch.zeros(2, dtype=torch.bool).any()))
case("min_all", [r(3, 4)], lambda a: a.min())
case("argmax", [r(3, 4)], lambda a: (a.argmax(), a.argmax(1), a.argmax(0, keepdim=True)))
case("topk_smallest", [r(2, 6)], lambda a: tuple(a.topk(3, dim=1, largest=False)))
case("topk_flat_beam", [r(2, 12)], lambda a: tuple(a.topk(3, 1)))  # the beam search's (B, k*V) top k
case("sort_ascending", [torch.tensor([[3.0, 1.0, 2.0, 1.0, 0.5]])], lambda a: tuple(a.sort(dim=-1, stable=True)))
case("to_dtype", [r(6) * 3], lambda a: (a.to(torch.int64), a.to(torch.float64)))
case("squeeze_all", [r(1, 3, 1, 2)], lambda a: a.squeeze())
# The in-place updates the optimisers use (torch 1.13 has no Tensor.maximum_, so its out-of-place form).
case("inplace_optimiser", [r(5), r(5), positive(5), r(5)],
     lambda p, a, b, c: (p.clone().add_(a, alpha=-0.3), p.clone().mul_(0.9), p.clone().addcmul_(a, c, value=0.2),
                         p.clone().addcdiv_(a, b, value=-0.5), b.clone().sqrt_(), torch.maximum(p, c),
                         p.clone().add_(0.25), p.clone().mul_(c)))
case("max_pool2d_default_stride", [r(1, 1, 4, 6)], lambda x: F.max_pool2d(x, (2, 2)))
case("avg_pool2d_include_pad", [r(1, 1, 5, 5)], lambda x: F.avg_pool2d(x, 2, 2, 1, ceil_mode=False, count_include_pad=True))
case("interpolate_nearest", [r(1, 1, 3, 4)], lambda x: F.interpolate(x, size=(5, 6), mode="nearest"))
case("interpolate_align_corners", [r(1, 1, 3, 4)],
     lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True))
case("cross_entropy_reductions", [r(5, 4), longs([1, 0, 3, 3, 2], 5), positive(4)],
     lambda z, t, w: (F.cross_entropy(z, t, ignore_index=0, reduction="none"),
                      F.cross_entropy(z, t, ignore_index=0, reduction="sum"),
                      F.cross_entropy(z, t, weight=w, ignore_index=0)))
case("bce_pos_weight", [r(2, 3), torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), positive(3)],
     lambda z, t, w: F.binary_cross_entropy_with_logits(z, t, pos_weight=w, reduction="sum"))

# ---- label-smoothed cross-entropy as the trainer calls it: logits (B*T, V), pad 0 ignored --------
smoothing_logits = r(12, 9) * 2
smoothing_targets = longs([3, 1, 0, 8, 0, 0, 5, 2, 2, 0, 7, 4], 12)  # five padded positions
for name, eps in [("0", 0.0), ("0p05", 0.05), ("0p1", 0.1), ("0p25", 0.25), ("0p6", 0.6)]:
    case(f"label_smoothing_{name}", [smoothing_logits, smoothing_targets],
         lambda z, t, e=eps: F.cross_entropy(z, t, ignore_index=0, label_smoothing=e))
case("label_smoothing_sum_3d", [r(2, 6, 4), longs([1, 0, 5, 0, 2, 3, 0, 0], 2, 4)],
     lambda z, t: F.cross_entropy(z, t, ignore_index=0, label_smoothing=0.2, reduction="sum"))

torch.save(cases, os.path.join(out_dir, "ops.pth"))
