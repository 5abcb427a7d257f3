// Shared helpers of the captioning shim: the export macro, the error slot and the guards
// that turn every C++ exception into a message the managed side reads and rethrows.
#pragma once

#include <torch/torch.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#define CAP_EXPORT extern "C" __attribute__((visibility("default")))

// Bumped whenever an export changes its signature or meaning; the C# loader refuses a mismatch.
#define CAP_ABI_VERSION 1

namespace cap {

void set_error(const char* message);
extern std::atomic<int64_t> live_tensors;

inline at::Tensor& T(void* handle) {
  if (handle == nullptr) throw std::invalid_argument("null tensor handle passed to native code");
  return *static_cast<at::Tensor*>(handle);
}

inline void* wrap(at::Tensor tensor) {
  auto* boxed = new at::Tensor(std::move(tensor));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return boxed;
}

// Runs body; any exception becomes the thread's error message and the fallback is returned.
template <typename R, typename F>
R guarded(R fallback, F&& body) {
  try {
    return body();
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown native exception");
  }
  return fallback;
}

// For exports returning a new tensor: nullptr signals an error.
template <typename F>
void* tensor_op(F&& body) {
  return guarded<void*>(nullptr, [&]() -> void* { return wrap(body()); });
}

// For exports with out-parameters or none: 0 ok, -1 error.
template <typename F>
int status_op(F&& body) {
  return guarded<int>(-1, [&]() -> int { body(); return 0; });
}

inline std::vector<at::Tensor> tensor_list(void** handles, int64_t count) {
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) list.push_back(T(handles[i]));
  return list;
}

inline at::IntArrayRef dims(const int64_t* values, int64_t count) {
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline at::TensorOptions options(int dtype, int device_type, int device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<at::DeviceType>(device_type),
                         static_cast<c10::DeviceIndex>(device_index)));
}

// C# passes every scalar as double; an integral value applied to an integer tensor must stay an
// integer (as `t + 1` does in PyTorch) instead of promoting the result to float.
inline at::Scalar scalar_like(const at::Tensor& t, double value) {
  if (at::isIntegralType(t.scalar_type(), /*includeBool=*/false) && value == static_cast<double>(static_cast<int64_t>(value)))
    return at::Scalar(static_cast<int64_t>(value));
  return at::Scalar(value);
}

inline c10::optional<at::Tensor> optional_tensor(void* handle) {
  if (handle == nullptr) return c10::nullopt;
  return T(handle);
}

}  // namespace cap
