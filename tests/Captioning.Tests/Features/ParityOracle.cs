using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Tests.Features;

/// <summary>
/// One temporary folder for every oracle run of a test class, deleted when the class is done; each
/// model's script runs at most once and its files can be deleted as soon as a test is done with them.
/// </summary>
public sealed class ParityOracles : IDisposable
{
    private readonly Dictionary<string, ParityOracle> runs = new(StringComparer.Ordinal);

    /// <summary>The shared temporary folder.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("captioning-encoders-").FullName;

    /// <summary>The oracle files of <paramref name="model"/>, running the script the first time.</summary>
    public ParityOracle Get(string model)
    {
        if (!runs.TryGetValue(model, out var run)) runs[model] = run = ParityOracle.Run(model, Path.Combine(Folder, model));
        return run;
    }

    /// <summary>Deletes the files of <paramref name="model"/> (VGG16's checkpoint alone is 553 MB).</summary>
    public void Delete(string model)
    {
        if (runs.Remove(model, out var run)) run.Dispose();
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Runs make_encoder_parity.py (Debian's python3-torchvision 0.14, random init, no downloads) for
/// one model into a folder that disposing deletes, and reads back its input and features.
/// </summary>
public sealed class ParityOracle : IDisposable
{
    private ParityOracle(string model, string folder)
    {
        Model = model;
        Folder = folder;
    }

    /// <summary>torchvision's model name (vgg16, resnet50, inception_v3).</summary>
    public string Model { get; }

    /// <summary>The temporary folder holding the files.</summary>
    public string Folder { get; }

    /// <summary>The state dict as torchvision saves it.</summary>
    public string CheckpointPath => Path.Combine(Folder, $"{Model}.pth");

    /// <summary>Runs the script; the caller disposes the result to delete its files.</summary>
    public static ParityOracle Run(string model, string folder)
    {
        Directory.CreateDirectory(folder);
        var oracle = new ParityOracle(model, folder);
        try
        {
            PythonOracle.Run([PythonOracle.Script("Features", "make_encoder_parity.py"), model, folder]);
            return oracle;
        }
        catch
        {
            oracle.Dispose();
            throw;
        }
    }

    /// <summary>The recorded input batch (N, 3, H, W).</summary>
    public Tensor Input() => Read("input", Shape("input"));

    /// <summary>The recorded features under <paramref name="key"/> (features, features_raw), (N, D).</summary>
    public Tensor Output(string key = "features") => Read(key, Shape(key));

    private long[] Shape(string key)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, $"{Model}.json")));
        var element = key == "input" ? json.RootElement.GetProperty("input") : json.RootElement.GetProperty("outputs").GetProperty(key);
        return element.EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    private Tensor Read(string key, long[] shape) =>
        torch.tensor(MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, $"{Model}.{key}.f32"))).ToArray(), shape);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
