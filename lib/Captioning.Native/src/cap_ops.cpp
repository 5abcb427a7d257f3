// Elementwise arithmetic, comparisons, reductions and the in-place updates optimisers use.
#include "cap_common.h"

using cap::T;
using cap::dims;
using cap::status_op;
using cap::tensor_op;

#define CAP_UNARY(name, expr) \
  CAP_EXPORT void* cap_tensor_##name(void* t) { return tensor_op([&] { return (expr); }); }
#define CAP_BINARY(name, expr) \
  CAP_EXPORT void* cap_tensor_##name(void* a, void* b) { return tensor_op([&] { return (expr); }); }
#define CAP_SCALAR(name, expr) \
  CAP_EXPORT void* cap_tensor_##name(void* a, double s) { return tensor_op([&] { return (expr); }); }

// ---- arithmetic ------------------------------------------------------------------------------

CAP_EXPORT void* cap_tensor_add(void* a, void* b, double alpha) { return tensor_op([&] { return T(a).add(T(b), alpha); }); }
CAP_EXPORT void* cap_tensor_sub(void* a, void* b, double alpha) { return tensor_op([&] { return T(a).sub(T(b), alpha); }); }
CAP_BINARY(mul, T(a).mul(T(b)))
CAP_BINARY(div, T(a).div(T(b)))
CAP_BINARY(pow, T(a).pow(T(b)))
CAP_BINARY(maximum, at::maximum(T(a), T(b)))
CAP_BINARY(minimum, at::minimum(T(a), T(b)))
CAP_BINARY(matmul, T(a).matmul(T(b)))
CAP_BINARY(bmm, T(a).bmm(T(b)))
CAP_SCALAR(add_scalar, T(a).add(cap::scalar_like(T(a), s)))
CAP_SCALAR(mul_scalar, T(a).mul(cap::scalar_like(T(a), s)))
CAP_SCALAR(div_scalar, T(a).div(s))
CAP_SCALAR(pow_scalar, T(a).pow(s))
CAP_SCALAR(rsub_scalar, at::rsub(T(a), cap::scalar_like(T(a), s)))
CAP_SCALAR(fmod_scalar, T(a).fmod(cap::scalar_like(T(a), s)))
CAP_SCALAR(floor_divide_scalar, at::div(T(a), cap::scalar_like(T(a), s), "floor"))

CAP_UNARY(neg, T(t).neg())
CAP_UNARY(exp, T(t).exp())
CAP_UNARY(log, T(t).log())
CAP_UNARY(sqrt, T(t).sqrt())
CAP_UNARY(rsqrt, T(t).rsqrt())
CAP_UNARY(abs, T(t).abs())
CAP_UNARY(sign, T(t).sign())
CAP_UNARY(reciprocal, T(t).reciprocal())
CAP_UNARY(relu, T(t).relu())
CAP_UNARY(tanh, T(t).tanh())
CAP_UNARY(sigmoid, T(t).sigmoid())
CAP_UNARY(logical_not, T(t).logical_not())
CAP_UNARY(isnan, T(t).isnan())
CAP_UNARY(isfinite, T(t).isfinite())

CAP_EXPORT void* cap_tensor_clamp(void* t, double low, double high) { return tensor_op([&] { return T(t).clamp(low, high); }); }
CAP_EXPORT void* cap_tensor_softmax(void* t, int64_t dim) { return tensor_op([&] { return T(t).softmax(dim); }); }
CAP_EXPORT void* cap_tensor_log_softmax(void* t, int64_t dim) { return tensor_op([&] { return T(t).log_softmax(dim); }); }

// ---- comparisons and selection ----------------------------------------------------------------

CAP_BINARY(eq, T(a).eq(T(b)))
CAP_BINARY(ne, T(a).ne(T(b)))
CAP_BINARY(lt, T(a).lt(T(b)))
CAP_BINARY(le, T(a).le(T(b)))
CAP_BINARY(gt, T(a).gt(T(b)))
CAP_BINARY(ge, T(a).ge(T(b)))
CAP_BINARY(logical_and, T(a).logical_and(T(b)))
CAP_BINARY(logical_or, T(a).logical_or(T(b)))
CAP_SCALAR(eq_scalar, T(a).eq(s))
CAP_SCALAR(ne_scalar, T(a).ne(s))
CAP_SCALAR(lt_scalar, T(a).lt(s))
CAP_SCALAR(le_scalar, T(a).le(s))
CAP_SCALAR(gt_scalar, T(a).gt(s))
CAP_SCALAR(ge_scalar, T(a).ge(s))

CAP_EXPORT void* cap_tensor_masked_fill(void* t, void* mask, double value) {
  return tensor_op([&] { return T(t).masked_fill(T(mask), value); });
}
CAP_EXPORT void* cap_tensor_where(void* condition, void* a, void* b) {
  return tensor_op([&] { return at::where(T(condition), T(a), T(b)); });
}

// ---- reductions ---------------------------------------------------------------------------------

// ndims == 0 reduces over every dimension.
CAP_EXPORT void* cap_tensor_sum(void* t, const int64_t* d, int64_t ndims, int keepdim) {
  return tensor_op([&] { return ndims == 0 ? T(t).sum() : T(t).sum(dims(d, ndims), keepdim != 0); });
}
CAP_EXPORT void* cap_tensor_mean(void* t, const int64_t* d, int64_t ndims, int keepdim) {
  return tensor_op([&] { return ndims == 0 ? T(t).mean() : T(t).mean(dims(d, ndims), keepdim != 0); });
}
CAP_UNARY(max_all, T(t).max())
CAP_UNARY(min_all, T(t).min())
CAP_UNARY(all, T(t).all())
CAP_UNARY(any, T(t).any())
CAP_UNARY(argmax_all, T(t).argmax())

CAP_EXPORT void* cap_tensor_argmax(void* t, int64_t dim, int keepdim) {
  return tensor_op([&] { return T(t).argmax(dim, keepdim != 0); });
}
CAP_EXPORT void* cap_tensor_norm(void* t, double p) { return tensor_op([&] { return T(t).norm(p); }); }
CAP_EXPORT void* cap_tensor_cumsum(void* t, int64_t dim) { return tensor_op([&] { return T(t).cumsum(dim); }); }

CAP_EXPORT int cap_tensor_max_dim(void* t, int64_t dim, int keepdim, void** values, void** indices) {
  return status_op([&] {
    auto result = T(t).max(dim, keepdim != 0);
    *values = cap::wrap(std::get<0>(result));
    *indices = cap::wrap(std::get<1>(result));
  });
}
CAP_EXPORT int cap_tensor_min_dim(void* t, int64_t dim, int keepdim, void** values, void** indices) {
  return status_op([&] {
    auto result = T(t).min(dim, keepdim != 0);
    *values = cap::wrap(std::get<0>(result));
    *indices = cap::wrap(std::get<1>(result));
  });
}
CAP_EXPORT int cap_tensor_topk(void* t, int64_t k, int64_t dim, int largest, int sorted, void** values, void** indices) {
  return status_op([&] {
    auto result = T(t).topk(k, dim, largest != 0, sorted != 0);
    *values = cap::wrap(std::get<0>(result));
    *indices = cap::wrap(std::get<1>(result));
  });
}
CAP_EXPORT int cap_tensor_sort(void* t, int64_t dim, int descending, int stable, void** values, void** indices) {
  return status_op([&] {
    auto result = T(t).sort(stable != 0, dim, descending != 0);
    *values = cap::wrap(std::get<0>(result));
    *indices = cap::wrap(std::get<1>(result));
  });
}

// ---- in-place updates (optimisers, initialisers) ---------------------------------------------------
// Run without recording autograd history: they act on parameters and optimiser state.

CAP_EXPORT int cap_tensor_add_(void* t, void* other, double alpha) {
  return status_op([&] { at::NoGradGuard g; T(t).add_(T(other), alpha); });
}
CAP_EXPORT int cap_tensor_mul_scalar_(void* t, double s) { return status_op([&] { at::NoGradGuard g; T(t).mul_(cap::scalar_like(T(t), s)); }); }
CAP_EXPORT int cap_tensor_mul_(void* t, void* other) { return status_op([&] { at::NoGradGuard g; T(t).mul_(T(other)); }); }
CAP_EXPORT int cap_tensor_add_scalar_(void* t, double s) { return status_op([&] { at::NoGradGuard g; T(t).add_(cap::scalar_like(T(t), s)); }); }
CAP_EXPORT int cap_tensor_addcmul_(void* t, void* a, void* b, double value) {
  return status_op([&] { at::NoGradGuard g; T(t).addcmul_(T(a), T(b), value); });
}
CAP_EXPORT int cap_tensor_addcdiv_(void* t, void* a, void* b, double value) {
  return status_op([&] { at::NoGradGuard g; T(t).addcdiv_(T(a), T(b), value); });
}
CAP_EXPORT int cap_tensor_copy_(void* t, void* src) { return status_op([&] { at::NoGradGuard g; T(t).copy_(T(src)); }); }
CAP_EXPORT int cap_tensor_fill_(void* t, double value) { return status_op([&] { at::NoGradGuard g; T(t).fill_(value); }); }
CAP_EXPORT int cap_tensor_zero_(void* t) { return status_op([&] { at::NoGradGuard g; T(t).zero_(); }); }
CAP_EXPORT int cap_tensor_sqrt_(void* t) { return status_op([&] { at::NoGradGuard g; T(t).sqrt_(); }); }
CAP_EXPORT int cap_tensor_maximum_(void* t, void* other) {
  return status_op([&] { at::NoGradGuard g; at::maximum_out(T(t), T(t), T(other)); });
}
