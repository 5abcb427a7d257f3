using Captioning.Torch;
using Captioning.Torch.Serialization;
using Xunit;

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
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}], PyTorch [{string.Join(", ", expected.Shape)}]");
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, PyTorch {expected.DType}");
        if (expected.DType is DType.Float32 or DType.Float64)
        {
            var e = expected.ToDoubleArray();
            var a = actual.ToDoubleArray();
            for (var i = 0; i < e.Length; i++)
            {
                var same = e[i].Equals(a[i]) || Math.Abs(e[i] - a[i]) <= 1e-6 + 1e-5 * Math.Abs(e[i]);
                Assert.True(same, $"{what}: element {i} is {a[i]:G9}, PyTorch {e[i]:G9}");
            }
        }
        else
        {
            var e = expected.ToInt64Array();
            var a = actual.ToInt64Array();
            Assert.True(e.SequenceEqual(a), $"{what}: [{string.Join(", ", a)}], PyTorch [{string.Join(", ", e)}]");
        }
    }
}
