namespace Captioning.Models;

/// <summary>Creates caption models by architecture.</summary>
public static class CaptionModelFactory
{
    /// <summary>A new model with freshly initialised weights (seed with TorchRuntime.ManualSeed first).</summary>
    public static CaptionModel Create(CaptionModelOptions options) => options.Architecture == Architecture.Merge
        ? new MergeModel(options)
        : new InjectModel(options);
}
