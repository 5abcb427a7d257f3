using Captioning.Weights;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Torch;

/// <summary>
/// Runs make_op_oracle.py once per test class: Debian's python3-torch computes every op's forward
/// value on seeded inputs and torch.save's inputs and outputs to ops.pth in a temporary folder.
/// </summary>
public sealed class OpForwardOracle : IDisposable
{
    public OpForwardOracle()
    {
        Folder = Directory.CreateTempSubdirectory("captioning-ops-").FullName;
        PythonOracle.Run([PythonOracle.Script("Torch", "make_op_oracle.py"), Folder]);
    }

    /// <summary>The temporary folder holding ops.pth.</summary>
    public string Folder { get; }

    /// <summary>Every tensor the script wrote ("op.in0", "op.out0", ...); the caller disposes it.</summary>
    public TensorDictionary Load() => PthCheckpoint.Load(Path.Combine(Folder, "ops.pth"));

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// Asserts <paramref name="actual"/> has the shape and dtype of <paramref name="expected"/> and
    /// equal elements: integers and booleans exactly, floats within 1e-5 relative (1e-6 absolute near 0).
    /// </summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], PyTorch [{string.Join(", ", expected.shape)}]");
        Assert.True(expected.dtype == actual.dtype, $"{what}: dtype {actual.dtype}, PyTorch {expected.dtype}");
        if (expected.dtype is ScalarType.Float32 or ScalarType.Float64)
        {
            var e = Values<double>(expected, ScalarType.Float64);
            var a = Values<double>(actual, ScalarType.Float64);
            for (var i = 0; i < e.Length; i++)
            {
                var same = e[i].Equals(a[i]) || Math.Abs(e[i] - a[i]) <= 1e-6 + 1e-5 * Math.Abs(e[i]);
                Assert.True(same, $"{what}: element {i} is {a[i]:G9}, PyTorch {e[i]:G9}");
            }
        }
        else
        {
            var e = Values<long>(expected, ScalarType.Int64);
            var a = Values<long>(actual, ScalarType.Int64);
            Assert.True(e.SequenceEqual(a), $"{what}: [{string.Join(", ", a)}], PyTorch [{string.Join(", ", e)}]");
        }
    }

    // The elements in row-major order, converted to one element type (booleans and integers to int64, floats to float64).
    private static T[] Values<T>(Tensor t, ScalarType type) where T : unmanaged
    {
        using var converted = t.detach().to(type);
        return converted.data<T>().ToArray();
    }
}
