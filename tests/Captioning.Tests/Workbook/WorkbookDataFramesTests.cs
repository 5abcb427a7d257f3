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
