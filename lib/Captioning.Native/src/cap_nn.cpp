// Neural-network functions: layers, losses, convolution and pooling, the fused LSTM, clipping.
#include "cap_common.h"

using cap::T;
using cap::dims;
using cap::status_op;
using cap::tensor_op;
namespace F = torch::nn::functional;

CAP_EXPORT void* cap_nn_linear(void* input, void* weight, void* bias) {
  return tensor_op([&] { return at::linear(T(input), T(weight), cap::optional_tensor(bias)); });
}

CAP_EXPORT void* cap_nn_dropout(void* input, double p, int train) {
  return tensor_op([&] { return at::dropout(T(input), p, train != 0); });
}

// padding_idx < 0 means none; the padding row then receives gradient like any other.
CAP_EXPORT void* cap_nn_embedding(void* weight, void* indices, int64_t padding_idx) {
  return tensor_op([&] { return at::embedding(T(weight), T(indices), padding_idx); });
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
CAP_EXPORT void* cap_nn_cross_entropy(void* input, void* target, void* weight, int64_t ignore_index,
                                      double label_smoothing, int reduction) {
  return tensor_op([&] {
    return at::cross_entropy_loss(T(input), T(target), cap::optional_tensor(weight), reduction, ignore_index,
                                  label_smoothing);
  });
}

CAP_EXPORT void* cap_nn_bce_with_logits(void* input, void* target, void* pos_weight, int reduction) {
  return tensor_op([&] {
    return at::binary_cross_entropy_with_logits(T(input), T(target), c10::nullopt, cap::optional_tensor(pos_weight),
                                                reduction);
  });
}

CAP_EXPORT void* cap_nn_mse_loss(void* input, void* target, int reduction) {
  return tensor_op([&] { return at::mse_loss(T(input), T(target), reduction); });
}

// ---- convolution and pooling (NCHW); every 2-vector is (height, width) -------------------------

CAP_EXPORT void* cap_nn_conv2d(void* input, void* weight, void* bias, const int64_t* stride, const int64_t* padding,
                               const int64_t* dilation, int64_t groups) {
  return tensor_op([&] {
    return at::conv2d(T(input), T(weight), cap::optional_tensor(bias), dims(stride, 2), dims(padding, 2),
                      dims(dilation, 2), groups);
  });
}

CAP_EXPORT void* cap_nn_max_pool2d(void* input, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                   int ceil_mode) {
  return tensor_op([&] {
    return at::max_pool2d(T(input), dims(kernel, 2), dims(stride, 2), dims(padding, 2), {1, 1}, ceil_mode != 0);
  });
}

CAP_EXPORT void* cap_nn_avg_pool2d(void* input, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                   int ceil_mode, int count_include_pad) {
  return tensor_op([&] {
    return at::avg_pool2d(T(input), dims(kernel, 2), dims(stride, 2), dims(padding, 2), ceil_mode != 0,
                          count_include_pad != 0);
  });
}

CAP_EXPORT void* cap_nn_adaptive_avg_pool2d(void* input, const int64_t* output_size) {
  return tensor_op([&] { return at::adaptive_avg_pool2d(T(input), dims(output_size, 2)); });
}

// In training mode the running statistics (when given) are updated in place, as torch does.
CAP_EXPORT void* cap_nn_batch_norm(void* input, void* weight, void* bias, void* running_mean, void* running_var,
                                   int training, double momentum, double eps) {
  return tensor_op([&] {
    return at::batch_norm(T(input), cap::optional_tensor(weight), cap::optional_tensor(bias),
                          cap::optional_tensor(running_mean), cap::optional_tensor(running_var), training != 0, momentum,
                          eps, /*cudnn_enabled=*/true);
  });
}

// mode: 0 bilinear, 1 nearest. antialias applies to bilinear downscaling (as torchvision's resize).
CAP_EXPORT void* cap_nn_interpolate(void* input, const int64_t* size, int mode, int align_corners, int antialias) {
  return tensor_op([&] {
    std::vector<int64_t> out{size[0], size[1]};
    if (mode == 1) return at::upsample_nearest2d(T(input), out);
    if (antialias != 0) return at::_upsample_bilinear2d_aa(T(input), out, align_corners != 0);
    return at::upsample_bilinear2d(T(input), out, align_corners != 0);
  });
}

// ---- recurrent ------------------------------------------------------------------------------------

// Full-sequence multi-layer LSTM through libtorch's fused kernel. params holds, per layer,
// w_ih, w_hh, b_ih, b_hh (biases omitted when has_biases is 0). h0/c0: (layers, batch, hidden).
CAP_EXPORT int cap_nn_lstm(void* input, void* h0, void* c0, void** params, int64_t nparams, int has_biases,
                           int64_t num_layers, double dropout, int train, int batch_first, void** output, void** hn,
                           void** cn) {
  return status_op([&] {
    auto result = at::lstm(T(input), {T(h0), T(c0)}, cap::tensor_list(params, nparams), has_biases != 0, num_layers,
                           dropout, train != 0, /*bidirectional=*/false, batch_first != 0);
    *output = cap::wrap(std::get<0>(result));
    *hn = cap::wrap(std::get<1>(result));
    *cn = cap::wrap(std::get<2>(result));
  });
}

CAP_EXPORT int cap_nn_lstm_cell(void* input, void* hx, void* cx, void* w_ih, void* w_hh, void* b_ih, void* b_hh,
                                void** hy, void** cy) {
  return status_op([&] {
    auto result = at::lstm_cell(T(input), {T(hx), T(cx)}, T(w_ih), T(w_hh), cap::optional_tensor(b_ih),
                                cap::optional_tensor(b_hh));
    *hy = cap::wrap(std::get<0>(result));
    *cy = cap::wrap(std::get<1>(result));
  });
}

// Scales the gradients of params in place so that their global norm is at most max_norm;
// writes the norm before clipping to *total_norm.
CAP_EXPORT int cap_nn_clip_grad_norm(void** params, int64_t nparams, double max_norm, double norm_type,
                                     double* total_norm) {
  return status_op([&] {
    *total_norm = torch::nn::utils::clip_grad_norm_(cap::tensor_list(params, nparams), max_norm, norm_type);
  });
}
