// Image decoding and encoding through stb_image / stb_image_write (Debian libstb-dev).
#include "cap_common.h"

#include <cstdlib>
#include <cstring>
#include <string>

// stb is third-party code compiled as-is; its warnings are not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace {

void* decoded_to_tensor(unsigned char* pixels, int width, int height, const std::string& what) {
  if (pixels == nullptr) {
    const char* reason = stbi_failure_reason();
    throw std::runtime_error("cannot decode " + what + ": " + (reason ? reason : "unknown reason"));
  }
  // (height, width, 3) uint8, owned by libtorch after the copy.
  auto tensor = at::empty({height, width, 3}, at::kByte);
  std::memcpy(tensor.data_ptr(), pixels, static_cast<size_t>(width) * height * 3);
  stbi_image_free(pixels);
  return cap::wrap(tensor);
}

}  // namespace

// Decodes a JPEG/PNG/BMP/GIF file into an RGB (height, width, 3) uint8 tensor.
CAP_EXPORT void* cap_image_load(const char* path) {
  return cap::guarded<void*>(nullptr, [&]() -> void* {
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(path, &w, &h, &channels, 3);
    return decoded_to_tensor(pixels, w, h, std::string("image '") + path + "'");
  });
}

CAP_EXPORT void* cap_image_decode(const unsigned char* data, int64_t length) {
  return cap::guarded<void*>(nullptr, [&]() -> void* {
    if (length <= 0 || length > INT32_MAX) throw std::invalid_argument("image buffer is empty or larger than 2 GB");
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load_from_memory(data, static_cast<int>(length), &w, &h, &channels, 3);
    return decoded_to_tensor(pixels, w, h, "image bytes");
  });
}

// Reads width, height and channel count without decoding; 0 ok, -1 with the reason.
CAP_EXPORT int cap_image_info(const char* path, int* width, int* height, int* channels) {
  return cap::status_op([&] {
    if (!stbi_info(path, width, height, channels)) {
      const char* reason = stbi_failure_reason();
      throw std::runtime_error(std::string("cannot read image '") + path + "': " + (reason ? reason : "unknown reason"));
    }
  });
}

namespace {
struct Buffer {
  std::string bytes;
};
void append(void* context, void* data, int size) {
  static_cast<Buffer*>(context)->bytes.append(static_cast<const char*>(data), static_cast<size_t>(size));
}
}  // namespace

// format: 0 PNG, 1 JPEG (quality 1..100). pixels: (height, width, channels) uint8, row-major.
// *out receives a malloc'd buffer of *length bytes that the caller frees with cap_buffer_free.
CAP_EXPORT int cap_image_encode(const unsigned char* pixels, int width, int height, int channels, int format,
                                int quality, unsigned char** out, int64_t* length) {
  return cap::status_op([&] {
    if (width <= 0 || height <= 0 || channels < 1 || channels > 4)
      throw std::invalid_argument("image size must be positive with 1-4 channels");
    Buffer buffer;
    int ok = format == 0 ? stbi_write_png_to_func(append, &buffer, width, height, channels, pixels, width * channels)
                         : stbi_write_jpg_to_func(append, &buffer, width, height, channels, pixels, quality);
    if (!ok) throw std::runtime_error("stb_image_write could not encode the image");
    auto* copy = static_cast<unsigned char*>(std::malloc(buffer.bytes.size()));
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, buffer.bytes.data(), buffer.bytes.size());
    *out = copy;
    *length = static_cast<int64_t>(buffer.bytes.size());
  });
}

CAP_EXPORT void cap_buffer_free(void* buffer) { std::free(buffer); }
