using Captioning.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public sealed class WorkbookDataFramesTests
{
    // dog (twice) gets id 4; then alphabetically runs 5, the 6.
    private static readonly Vocabulary Words = Vocabulary.Build([["dog", "runs"], ["the", "dog"]]);

    [Fact]
    public void VocabularyFrame_ListsEveryIdWithItsWordAndCount()
    {
        var frame = WorkbookData.VocabularyFrame(Words);

        Assert.Equal(["id", "word", "count"], frame.Columns.Select(c => c.Name));
        Assert.Equal(7, frame.Rows.Count);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], frame["id"].Cast<int>());
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "dog", "runs", "the"], frame["word"].Cast<string>());
        Assert.Equal([0L, 0, 0, 0, 2, 1, 1], frame["count"].Cast<long>());
    }

    [Fact]
    public void PairsFrame_HasOneRowPerTutorialSample()
    {
        var frame = WorkbookData.PairsFrame(TeacherForcingExample.Of("the dog runs", Words, width: 4));

        Assert.Equal(["0 0 0 1", "0 0 1 6", "0 1 6 4", "1 6 4 5"], frame["prefix ids (front-padded)"].Cast<string>());
        Assert.Equal(["<start>", "<start> the", "<start> the dog", "<start> the dog runs"], frame["prefix"].Cast<string>());
        Assert.Equal(["the", "dog", "runs", "<end>"], frame["next word"].Cast<string>());
        Assert.Equal([6L, 4, 5, 2], frame["next id"].Cast<long>());
    }
}

public sealed class WorkbookTrainingVocabularyTests
{
    [Fact]
    public void TrainingVocabulary_IsTheOnePreparedWithItsMinimumCount()
    {
        using var folder = new Captioning.Tests.Data.TempFolder();
        var folders = new WorkbookFolders(folder.Path);
        var dataDir = WorkbookData.Ensure(folders, "", images: 16);
        var dataset = WorkbookData.Load(folders, "");
        Assert.Equal(1, WorkbookData.TrainingVocabulary(folders, dataset).MinCount); // nothing prepared yet: the default

        DatasetPreparer.Prepare(dataDir, null, folders.Prepared, new PrepareOptions(MinCount: 3));
        var vocabulary = WorkbookData.TrainingVocabulary(folders, dataset);

        Assert.Equal(3, vocabulary.MinCount);
        Assert.Equal(Captioning.Training.TrainingData.BuildVocabulary(dataset, 3).Words, vocabulary.Words);
        Assert.True(vocabulary.Count < Captioning.Training.TrainingData.BuildVocabulary(dataset).Count, "a minimum count of 3 drops the rarer words");
    }

    [Fact]
    public void TrainingVocabulary_RefusesOnePreparedFromAnotherDataset()
    {
        using var folder = new Captioning.Tests.Data.TempFolder();
        var folders = new WorkbookFolders(folder.Path);
        WorkbookData.Ensure(folders, "", images: 16);
        var dataset = WorkbookData.Load(folders, "");
        Directory.CreateDirectory(folders.Prepared);
        var path = Path.Combine(folders.Prepared, DatasetPreparer.VocabularyFile);
        Vocabulary.Build([["zebra", "grazes"]]).Save(path);

        var error = Assert.Throws<CaptioningException>(() => WorkbookData.TrainingVocabulary(folders, dataset));

        Assert.StartsWith($"the vocabulary in '{path}' was not built from the dataset in '{dataset.Source}' (6 ids, this dataset gives ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("rerun 01-data-preparation.dib with the same workDir and dataPath", error.Message, StringComparison.Ordinal);
    }
}
