using System.Runtime.InteropServices;

namespace Captioning.Torch;

internal static partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr cap_image_load([MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [DllImport(Lib)] internal static extern unsafe IntPtr cap_image_decode(byte* data, long length);
    [DllImport(Lib)] internal static extern int cap_image_info([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out int width, out int height, out int channels);
    [DllImport(Lib)] internal static extern unsafe int cap_image_encode(byte* pixels, int width, int height, int channels, int format, int quality, out IntPtr output, out long length);
    [DllImport(Lib)] internal static extern void cap_buffer_free(IntPtr buffer);
}
