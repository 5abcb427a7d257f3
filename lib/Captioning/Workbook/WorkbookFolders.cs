using Captioning.Training;

namespace Captioning.Workbook;

/// <summary>
/// Where the five workbook notebooks (and `caption demo`) keep their files under one work folder,
/// so that each notebook finds what the one before it wrote.
/// </summary>
public sealed class WorkbookFolders
{
    /// <summary>Uses <paramref name="root"/> (made absolute) as the work folder.</summary>
    public WorkbookFolders(string root)
    {
        if (string.IsNullOrWhiteSpace(root)) throw new CaptioningException("workDir is empty; give a folder for the workbook's data, features and runs");
        Root = Path.GetFullPath(root);
    }

    /// <summary>The work folder.</summary>
    public string Root { get; }

    /// <summary>The synthetic dataset in the Flickr8k layout (Flickr8k_Dataset/, Flickr8k_text/).</summary>
    public string SyntheticData => Path.Combine(Root, "data");

    /// <summary>Cleaned captions, vocabulary and summary written by notebook 01.</summary>
    public string Prepared => Path.Combine(Root, "prepared");

    /// <summary>The feature store of an encoder, e.g. &lt;root&gt;/small-cnn.feat.</summary>
    public string FeatureStore(string encoder) => Path.Combine(Root, encoder + ".feat");

    /// <summary>The folder holding notebook 03's experiments, one folder per settings key (<see cref="Experiment"/>).</summary>
    public string Runs => Path.Combine(Root, "runs");

    /// <summary>
    /// The run folder of the model called <paramref name="name"/> (merge, init-inject, ...) with <paramref name="seed"/>
    /// (default: the first) in the current experiment, the one notebook 03 opened last.
    /// </summary>
    public RunFolder Run(string name, int? seed = null) => Experiment.Current(this).Run(name, seed);

    /// <summary>Cached evaluations (one JSON per run, split and decoding).</summary>
    public string Evaluations => Path.Combine(Root, "evaluation");

    /// <summary>The executed notebooks and their index page.</summary>
    public string Report => Path.Combine(Root, "report");
}
