using System.Runtime.InteropServices;

namespace Captioning.Torch;

internal static partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr cap_nn_linear(IntPtr input, IntPtr weight, IntPtr bias);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_dropout(IntPtr input, double p, int train);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_embedding(IntPtr weight, IntPtr indices, long paddingIdx);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_cross_entropy(IntPtr input, IntPtr target, IntPtr weight, long ignoreIndex, double labelSmoothing, int reduction);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_bce_with_logits(IntPtr input, IntPtr target, IntPtr posWeight, int reduction);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_mse_loss(IntPtr input, IntPtr target, int reduction);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_conv2d(IntPtr input, IntPtr weight, IntPtr bias, long[] stride, long[] padding, long[] dilation, long groups);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_max_pool2d(IntPtr input, long[] kernel, long[] stride, long[] padding, int ceilMode);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_avg_pool2d(IntPtr input, long[] kernel, long[] stride, long[] padding, int ceilMode, int countIncludePad);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_adaptive_avg_pool2d(IntPtr input, long[] outputSize);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_batch_norm(IntPtr input, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps);
    [DllImport(Lib)] internal static extern IntPtr cap_nn_interpolate(IntPtr input, long[] size, int mode, int alignCorners, int antialias);
    [DllImport(Lib)] internal static extern int cap_nn_lstm(IntPtr input, IntPtr h0, IntPtr c0, IntPtr[] parameters, long count, int hasBiases, long numLayers, double dropout, int train, int batchFirst, out IntPtr output, out IntPtr hn, out IntPtr cn);
    [DllImport(Lib)] internal static extern int cap_nn_lstm_cell(IntPtr input, IntPtr hx, IntPtr cx, IntPtr wIh, IntPtr wHh, IntPtr bIh, IntPtr bHh, out IntPtr hy, out IntPtr cy);
    [DllImport(Lib)] internal static extern int cap_nn_clip_grad_norm(IntPtr[] parameters, long count, double maxNorm, double normType, out double totalNorm);
}
