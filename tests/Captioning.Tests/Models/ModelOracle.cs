using Captioning.Weights;
using static TorchSharp.torch;

namespace Captioning.Tests.Models;

/// <summary>
/// Runs make_model_oracle.py (Debian's python3-torch) once per test class into a temporary folder
/// that disposing deletes. Each case NAME has NAME.pth, the PyTorch module's state_dict, and
/// NAME.io.pth, its inputs and PyTorch's outputs.
/// </summary>
public abstract class ModelOracle : IDisposable
{
    protected ModelOracle(string cases, params string[] args)
    {
        try
        {
            PythonOracle.Run([PythonOracle.Script("Models", "make_model_oracle.py"), cases, .. args, Folder]);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary folder holding the files.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("captioning-model-oracle-").FullName;

    /// <summary>The PyTorch module's state_dict of case <paramref name="name"/>.</summary>
    public TensorDictionary Weights(string name) => PthCheckpoint.Load(Path.Combine(Folder, $"{name}.pth"));

    /// <summary>The inputs and PyTorch's outputs of case <paramref name="name"/>.</summary>
    public TensorDictionary Io(string name) => PthCheckpoint.Load(Path.Combine(Folder, $"{name}.io.pth"));

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>Asserts two tensors have the same shape and agree element-wise within <paramref name="tolerance"/>.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Xunit.Assert.Equal(expected.shape, actual.shape);
        var e = expected.data<float>().ToArray();
        var a = actual.data<float>().ToArray();
        var worst = Enumerable.Range(0, e.Length).MaxBy(i => Math.Abs(e[i] - a[i]));
        Xunit.Assert.True(e.Length == 0 || Math.Abs(e[worst] - a[worst]) <= tolerance,
            $"{what}: element {worst} is {a[worst]}, PyTorch has {e[worst]} (tolerance {tolerance})");
    }
}

/// <summary>The caption models built with bench/pytorch_reference.py's classes (shipped next to the CLI and the tests).</summary>
public sealed class CaptionModelOracle() : ModelOracle("models", Path.Combine(AppContext.BaseDirectory, "bench", "pytorch_reference.py"));

/// <summary>torch.nn.LSTM (1 and 2 layers, batch_first) and torch.nn.LSTMCell.</summary>
public sealed class LstmOracle() : ModelOracle("lstm");
