using Captioning.Data;
using Captioning.Reports;
using Captioning.Training;
using Microsoft.Data.Analysis;

namespace Captioning.Workbook;

/// <summary>Notebook 01's first step: the synthetic dataset made unless already there, or a Flickr8k folder checked and loaded.</summary>
public static class WorkbookData
{
    /// <summary>Generated images are this many pixels square (the demo's size).</summary>
    public const int SyntheticImageSize = 112;

    /// <summary>
    /// The dataset folder to use: <paramref name="dataPath"/> when given (a Flickr8k-layout folder), otherwise the
    /// synthetic dataset under <paramref name="folders"/>, generated with <paramref name="images"/> images unless it is complete.
    /// </summary>
    public static string Ensure(WorkbookFolders folders, string dataPath, int images, int seed = 1, Action<string>? log = null)
    {
        if (!string.IsNullOrWhiteSpace(dataPath))
        {
            var full = Path.GetFullPath(dataPath);
            if (!System.IO.Directory.Exists(full))
                throw new CaptioningException($"dataPath '{full}' does not exist; point it at a folder holding Flickr8k_Dataset/ and Flickr8k_text/, or leave it empty for the synthetic data");
            log?.Invoke($"using the dataset in '{full}'");
            return full;
        }
        var dir = folders.SyntheticData;
        using var writing = WriterLock.Acquire(dir, "dataset folder");
        var result = SyntheticDataset.Generate(dir, images, seed, SyntheticImageSize);
        log?.Invoke(result.AlreadyComplete
            ? $"the synthetic dataset in '{dir}' is complete ({result.Train + result.Dev + result.Test} images); nothing to do"
            : $"generated {result.Rendered} synthetic images ({result.Reused} kept from an interrupted run) in '{dir}' in {result.Elapsed.TotalSeconds:F1} s");
        return dir;
    }

    /// <summary>Loads the dataset the later notebooks use: <paramref name="dataPath"/> if given, else the synthetic one, which must exist.</summary>
    public static CaptionDataset Load(WorkbookFolders folders, string dataPath)
    {
        var dir = Directory(folders, dataPath);
        if (!System.IO.Directory.Exists(dir))
            throw new CaptioningException($"no dataset in '{dir}'; run 01-data-preparation.dib first with the same workDir and dataPath");
        return DatasetPreparer.Load(dir, null, new PrepareOptions());
    }

    /// <summary>The absolute dataset folder the notebooks use: <paramref name="dataPath"/> if given, else the synthetic one.</summary>
    public static string Directory(WorkbookFolders folders, string dataPath) =>
        string.IsNullOrWhiteSpace(dataPath) ? folders.SyntheticData : Path.GetFullPath(dataPath);

    /// <summary>
    /// The vocabulary notebook 01 prepared (<c>prepared/vocabulary.json</c>, with the minimum word count chosen there), which
    /// training and the later notebooks use; the default one (minimum count 1) when 01 has not prepared any. A prepared
    /// vocabulary that the dataset does not give back (another dataset, or captions changed since) is refused.
    /// </summary>
    public static Vocabulary TrainingVocabulary(WorkbookFolders folders, CaptionDataset dataset)
    {
        var path = Path.Combine(folders.Prepared, DatasetPreparer.VocabularyFile);
        if (!File.Exists(path)) return TrainingData.BuildVocabulary(dataset);
        var prepared = Vocabulary.Load(path);
        var rebuilt = TrainingData.BuildVocabulary(dataset, prepared.MinCount);
        if (!prepared.Words.SequenceEqual(rebuilt.Words))
            throw new CaptioningException($"the vocabulary in '{path}' was not built from the dataset in '{dataset.Source}' " +
                $"({prepared.Count} ids, this dataset gives {rebuilt.Count} at minimum count {prepared.MinCount}); rerun 01-data-preparation.dib with the same workDir and dataPath");
        return prepared;
    }

    /// <summary>The vocabulary as a DataFrame to sort and filter: id, word and training count, one row per id (the four specials first, with count 0).</summary>
    public static DataFrame VocabularyFrame(Vocabulary vocabulary)
    {
        KernelFormatters.EnsureRegistered();
        var ids = Enumerable.Range(0, vocabulary.Count).ToList();
        return new DataFrame(
            new Int32DataFrameColumn("id", ids),
            new StringDataFrameColumn("word", ids.Select(vocabulary.WordOf)),
            new Int64DataFrameColumn("count", ids.Select(vocabulary.CountOf)));
    }

    /// <summary>The tutorial's (prefix → next word) samples of one caption as a DataFrame: the padded prefix ids, the prefix as words, the next word and its id.</summary>
    public static DataFrame PairsFrame(TeacherForcingExample example)
    {
        KernelFormatters.EnsureRegistered();
        return new DataFrame(
            new StringDataFrameColumn("prefix ids (front-padded)", example.Pairs.Select(p => string.Join(' ', p.Prefix))),
            new StringDataFrameColumn("prefix", example.Pairs.Select(p => p.PrefixWords)),
            new StringDataFrameColumn("next word", example.Pairs.Select(p => p.NextWord)),
            new Int64DataFrameColumn("next id", example.Pairs.Select(p => p.Next)));
    }
}
