// Tensor lifetime, creation, properties, data transfer, autograd and shape manipulation.
#include "cap_common.h"

#include <cstring>

using cap::T;
using cap::dims;
using cap::status_op;
using cap::tensor_op;

CAP_EXPORT void cap_tensor_free(void* handle) {
  if (handle == nullptr) return;
  delete static_cast<at::Tensor*>(handle);
  cap::live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

// ---- creation -------------------------------------------------------------------------------

// Copies count elements of the given dtype from data into a new tensor of the given shape.
CAP_EXPORT void* cap_tensor_from_data(const void* data, int64_t nbytes, int dtype, const int64_t* shape, int64_t ndim,
                                      int device_type, int device_index) {
  return tensor_op([&] {
    auto cpu = at::empty(dims(shape, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
    const int64_t expected = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    if (expected != nbytes)
      throw std::invalid_argument("data holds " + std::to_string(nbytes) + " bytes but shape and dtype need " +
                                  std::to_string(expected));
    if (nbytes > 0) std::memcpy(cpu.data_ptr(), data, static_cast<size_t>(nbytes));
    return cpu.to(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
  });
}

CAP_EXPORT void* cap_tensor_empty(const int64_t* shape, int64_t ndim, int dtype, int dt, int di) {
  return tensor_op([&] { return at::empty(dims(shape, ndim), cap::options(dtype, dt, di)); });
}
CAP_EXPORT void* cap_tensor_zeros(const int64_t* shape, int64_t ndim, int dtype, int dt, int di) {
  return tensor_op([&] { return at::zeros(dims(shape, ndim), cap::options(dtype, dt, di)); });
}
CAP_EXPORT void* cap_tensor_ones(const int64_t* shape, int64_t ndim, int dtype, int dt, int di) {
  return tensor_op([&] { return at::ones(dims(shape, ndim), cap::options(dtype, dt, di)); });
}
CAP_EXPORT void* cap_tensor_full(const int64_t* shape, int64_t ndim, double value, int dtype, int dt, int di) {
  return tensor_op([&] { return at::full(dims(shape, ndim), value, cap::options(dtype, dt, di)); });
}
CAP_EXPORT void* cap_tensor_rand(const int64_t* shape, int64_t ndim, int dtype, int dt, int di) {
  return tensor_op([&] { return at::rand(dims(shape, ndim), cap::options(dtype, dt, di)); });
}
CAP_EXPORT void* cap_tensor_randn(const int64_t* shape, int64_t ndim, int dtype, int dt, int di) {
  return tensor_op([&] { return at::randn(dims(shape, ndim), cap::options(dtype, dt, di)); });
}
CAP_EXPORT void* cap_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, int dtype, int dt, int di) {
  return tensor_op([&] { return at::randint(low, high, dims(shape, ndim), cap::options(dtype, dt, di)); });
}
CAP_EXPORT void* cap_tensor_randperm(int64_t n, int dt, int di) {
  return tensor_op([&] { return at::randperm(n, cap::options(static_cast<int>(at::kLong), dt, di)); });
}
CAP_EXPORT void* cap_tensor_arange(double start, double end, double step, int dtype, int dt, int di) {
  return tensor_op([&] { return at::arange(start, end, step, cap::options(dtype, dt, di)); });
}

// In-place fills used by weight initialisers.
CAP_EXPORT int cap_tensor_uniform_(void* t, double low, double high) {
  return status_op([&] { at::NoGradGuard g; T(t).uniform_(low, high); });
}
CAP_EXPORT int cap_tensor_normal_(void* t, double mean, double std) {
  return status_op([&] { at::NoGradGuard g; T(t).normal_(mean, std); });
}

// ---- properties and data --------------------------------------------------------------------

CAP_EXPORT int cap_tensor_ndim(void* t, int64_t* out) { return status_op([&] { *out = T(t).dim(); }); }

CAP_EXPORT int cap_tensor_shape(void* t, int64_t* out, int64_t capacity) {
  return status_op([&] {
    auto sizes = T(t).sizes();
    if (static_cast<int64_t>(sizes.size()) > capacity) throw std::invalid_argument("shape buffer too small");
    for (size_t i = 0; i < sizes.size(); ++i) out[i] = sizes[i];
  });
}

CAP_EXPORT int cap_tensor_dtype(void* t, int* out) {
  return status_op([&] { *out = static_cast<int>(T(t).scalar_type()); });
}

CAP_EXPORT int cap_tensor_device(void* t, int* type, int* index) {
  return status_op([&] {
    auto device = T(t).device();
    *type = static_cast<int>(device.type());
    *index = device.has_index() ? device.index() : -1;
  });
}

CAP_EXPORT int cap_tensor_numel(void* t, int64_t* out) { return status_op([&] { *out = T(t).numel(); }); }

CAP_EXPORT int cap_tensor_item(void* t, double* out) { return status_op([&] { *out = T(t).item<double>(); }); }

// Copies the tensor's elements (moved to CPU, made contiguous) into dst, which holds nbytes.
CAP_EXPORT int cap_tensor_copy_to(void* t, void* dst, int64_t nbytes) {
  return status_op([&] {
    auto cpu = T(t).detach().to(at::kCPU).contiguous();
    const int64_t have = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    if (have != nbytes)
      throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes but tensor has " +
                                  std::to_string(have));
    if (nbytes > 0) std::memcpy(dst, cpu.data_ptr(), static_cast<size_t>(nbytes));
  });
}

CAP_EXPORT void* cap_tensor_to(void* t, int device_type, int device_index, int dtype, int copy) {
  return tensor_op([&] {
    auto& x = T(t);
    auto target = dtype < 0 ? x.scalar_type() : static_cast<at::ScalarType>(dtype);
    return x.to(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)), target,
                /*non_blocking=*/false, copy != 0);
  });
}

CAP_EXPORT void* cap_tensor_clone(void* t) { return tensor_op([&] { return T(t).clone(); }); }
CAP_EXPORT void* cap_tensor_detach(void* t) { return tensor_op([&] { return T(t).detach(); }); }
CAP_EXPORT void* cap_tensor_contiguous(void* t) { return tensor_op([&] { return T(t).contiguous(); }); }
CAP_EXPORT void* cap_tensor_alias(void* t) { return tensor_op([&] { return T(t); }); }
CAP_EXPORT int cap_tensor_is_contiguous(void* t, int* out) { return status_op([&] { *out = T(t).is_contiguous() ? 1 : 0; }); }

// ---- autograd -------------------------------------------------------------------------------

CAP_EXPORT int cap_tensor_requires_grad(void* t, int* out) { return status_op([&] { *out = T(t).requires_grad() ? 1 : 0; }); }
CAP_EXPORT int cap_tensor_set_requires_grad(void* t, int flag) { return status_op([&] { T(t).requires_grad_(flag != 0); }); }

CAP_EXPORT int cap_tensor_backward(void* t, void* grad, int retain_graph) {
  return status_op([&] {
    at::Tensor g = grad == nullptr ? at::Tensor() : T(grad);
    T(t).backward(g, retain_graph != 0);
  });
}

// *out receives the gradient, or null when the tensor has none.
CAP_EXPORT int cap_tensor_grad(void* t, void** out) {
  return status_op([&] {
    const auto& g = T(t).grad();
    *out = g.defined() ? cap::wrap(g) : nullptr;
  });
}

CAP_EXPORT int cap_tensor_zero_grad(void* t) {
  return status_op([&] {
    auto& g = T(t).mutable_grad();
    if (g.defined()) g = at::Tensor();
  });
}

CAP_EXPORT int cap_grad_is_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
CAP_EXPORT void cap_grad_set_enabled(int enabled) { at::GradMode::set_enabled(enabled != 0); }

// ---- shape ----------------------------------------------------------------------------------

CAP_EXPORT void* cap_tensor_reshape(void* t, const int64_t* shape, int64_t n) {
  return tensor_op([&] { return T(t).reshape(dims(shape, n)); });
}
CAP_EXPORT void* cap_tensor_permute(void* t, const int64_t* order, int64_t n) {
  return tensor_op([&] { return T(t).permute(dims(order, n)); });
}
CAP_EXPORT void* cap_tensor_expand(void* t, const int64_t* shape, int64_t n) {
  return tensor_op([&] { return T(t).expand(dims(shape, n)); });
}
CAP_EXPORT void* cap_tensor_transpose(void* t, int64_t a, int64_t b) { return tensor_op([&] { return T(t).transpose(a, b); }); }
CAP_EXPORT void* cap_tensor_unsqueeze(void* t, int64_t d) { return tensor_op([&] { return T(t).unsqueeze(d); }); }
CAP_EXPORT void* cap_tensor_squeeze(void* t, int64_t d) { return tensor_op([&] { return T(t).squeeze(d); }); }
CAP_EXPORT void* cap_tensor_squeeze_all(void* t) { return tensor_op([&] { return T(t).squeeze(); }); }
CAP_EXPORT void* cap_tensor_flatten(void* t, int64_t start, int64_t end) { return tensor_op([&] { return T(t).flatten(start, end); }); }
CAP_EXPORT void* cap_tensor_narrow(void* t, int64_t dim, int64_t start, int64_t length) {
  return tensor_op([&] { return T(t).narrow(dim, start, length); });
}
CAP_EXPORT void* cap_tensor_select(void* t, int64_t dim, int64_t index) { return tensor_op([&] { return T(t).select(dim, index); }); }
CAP_EXPORT void* cap_tensor_index_select(void* t, int64_t dim, void* index) {
  return tensor_op([&] { return T(t).index_select(dim, T(index)); });
}
CAP_EXPORT void* cap_tensor_gather(void* t, int64_t dim, void* index) { return tensor_op([&] { return T(t).gather(dim, T(index)); }); }
CAP_EXPORT void* cap_tensor_masked_select(void* t, void* mask) { return tensor_op([&] { return T(t).masked_select(T(mask)); }); }
CAP_EXPORT void* cap_tensor_repeat(void* t, const int64_t* reps, int64_t n) {
  return tensor_op([&] { return T(t).repeat(dims(reps, n)); });
}
CAP_EXPORT void* cap_tensor_cat(void** ts, int64_t n, int64_t dim) {
  return tensor_op([&] { return at::cat(cap::tensor_list(ts, n), dim); });
}
CAP_EXPORT void* cap_tensor_stack(void** ts, int64_t n, int64_t dim) {
  return tensor_op([&] { return at::stack(cap::tensor_list(ts, n), dim); });
}
