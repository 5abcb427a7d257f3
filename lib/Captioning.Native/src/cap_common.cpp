// Process-wide state: the error slot, versions, threads, seeding and devices.
#include "cap_common.h"

#include <torch/version.h>

namespace cap {

static thread_local std::string last_error;
static thread_local bool has_error = false;
std::atomic<int64_t> live_tensors{0};

void set_error(const char* message) {
  last_error = message == nullptr ? "native error without a message" : message;
  has_error = true;
}

}  // namespace cap

CAP_EXPORT int cap_abi_version() { return CAP_ABI_VERSION; }

CAP_EXPORT const char* cap_torch_version() { return TORCH_VERSION; }

// Returns the calling thread's pending error message, or null. The pointer stays valid until
// the next failing call on this thread; cap_error_clear() resets the slot.
CAP_EXPORT const char* cap_error_message() { return cap::has_error ? cap::last_error.c_str() : nullptr; }

CAP_EXPORT void cap_error_clear() {
  cap::has_error = false;
  cap::last_error.clear();
  cap::last_error.shrink_to_fit();
}

CAP_EXPORT int64_t cap_live_tensors() { return cap::live_tensors.load(); }

CAP_EXPORT int cap_set_num_threads(int threads) {
  return cap::status_op([&] {
    if (threads < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(threads));
    at::set_num_threads(threads);
  });
}

CAP_EXPORT int cap_get_num_threads() { return at::get_num_threads(); }

CAP_EXPORT int cap_manual_seed(uint64_t seed) {
  return cap::status_op([&] { torch::manual_seed(seed); });
}

CAP_EXPORT int cap_cuda_is_available() { return cap::guarded<int>(0, [] { return torch::cuda::is_available() ? 1 : 0; }); }

CAP_EXPORT int cap_cuda_device_count() { return cap::guarded<int>(0, [] { return static_cast<int>(torch::cuda::device_count()); }); }

// Raises a C++ exception of a type libtorch never throws, to test the catch-all path.
CAP_EXPORT int cap_test_throw(int kind) {
  return cap::status_op([&] {
    if (kind == 0) throw std::runtime_error("test std::exception");
    if (kind == 1) throw 42;
    TORCH_CHECK(false, "test c10::Error");
  });
}
