using System.Text.Json;

namespace Captioning.Tests.Weights;

/// <summary>
/// Runs make_checkpoints.py once (Debian's python3-torch writes every .pth the tests read) into a
/// fresh folder, and exposes the values the script recorded for each tensor.
/// </summary>
public sealed class CheckpointFixture : IDisposable
{
    public CheckpointFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"captioning-pth-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        Marker = Path.Combine(Path.GetTempPath(), $"PWNED_{Guid.NewGuid():N}");
        var script = PythonOracle.Script("Weights", "make_checkpoints.py");
        PythonOracle.Run([script, Folder, Marker]);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "expected.json")));
        foreach (var file in json.RootElement.EnumerateObject())
        {
            var tensors = new Dictionary<string, ExpectedTensor>(StringComparer.Ordinal);
            foreach (var t in file.Value.EnumerateObject())
            {
                tensors[t.Name] = new ExpectedTensor(
                    t.Value.GetProperty("dtype").GetString()!,
                    t.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                    Convert.FromHexString(t.Value.GetProperty("hex").GetString()!));
            }
            Expected[file.Name] = tensors;
        }
    }

    /// <summary>Where the checkpoints are.</summary>
    public string Folder { get; }

    /// <summary>The file evil.pth's pickle would create if anything executed its os.system call.</summary>
    public string Marker { get; }

    /// <summary>File name → state-dict key → what Python holds.</summary>
    public Dictionary<string, Dictionary<string, ExpectedTensor>> Expected { get; } = new(StringComparer.Ordinal);

    public string PathOf(string file) => Path.Combine(Folder, file);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        if (File.Exists(Marker)) File.Delete(Marker);
    }
}

/// <summary>A tensor as the oracle script recorded it: torch dtype name, shape, row-major little-endian bytes.</summary>
public sealed record ExpectedTensor(string DType, long[] Shape, byte[] Bytes);
