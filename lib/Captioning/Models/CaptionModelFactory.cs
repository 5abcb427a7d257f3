namespace Captioning.Models;

/// <summary>Creates caption models by architecture.</summary>
public static class CaptionModelFactory
{
    /// <summary>
    /// A new model with freshly initialised weights on the CPU (seed with TorchRuntime.ManualSeed first, so the
    /// same seed gives the same weights on any device; move it with <c>model.to(device)</c>).
    /// </summary>
    public static CaptionModel Create(CaptionModelOptions options)
    {
        TorchRuntime.EnsureLoaded();
        return options.Architecture == Architecture.Merge ? new MergeModel(options) : new InjectModel(options);
    }
}
