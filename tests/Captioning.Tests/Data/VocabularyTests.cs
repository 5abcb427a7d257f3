using Captioning;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class VocabularyTests
{
    private static readonly string[][] Training =
    [
        ["dog", "runs", "on", "grass"],
        ["dog", "jumps"],
        ["cat", "runs"],
        ["bird"],
    ];

    [Fact]
    public void Build_OrdersSpecialsThenCountThenAlphabet()
    {
        var vocabulary = Vocabulary.Build(Training);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "dog", "runs", "bird", "cat", "grass", "jumps", "on"], vocabulary.Words);
        Assert.Equal(11, vocabulary.Count);
        Assert.Equal(4, vocabulary.MaxLength);
        Assert.Equal(2, vocabulary.CountOf(4));
    }

    [Fact]
    public void Build_AppliesMinimumCount()
    {
        var vocabulary = Vocabulary.Build(Training, minCount: 2);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "dog", "runs"], vocabulary.Words);
        Assert.Equal([4, 3, 5], vocabulary.Encode(["dog", "cat", "runs"]));
    }

    [Fact]
    public void EncodeDecode_RoundTrips()
    {
        var vocabulary = Vocabulary.Build(Training);
        var ids = vocabulary.Encode(["cat", "runs", "on", "grass"]);
        Assert.Equal([7, 5, 10, 8], ids);
        Assert.Equal(["cat", "runs", "on", "grass"], vocabulary.Decode(ids));
        Assert.Equal("cat runs", vocabulary.DecodeToString([Vocabulary.Start, 7, 5, Vocabulary.End, 4, Vocabulary.Pad]));
    }

    [Fact]
    public void SaveLoad_RoundTrips()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "vocabulary.json");
        var vocabulary = Vocabulary.Build(Training, minCount: 1);
        vocabulary.Save(path);
        var loaded = Vocabulary.Load(path);
        Assert.Equal(vocabulary.Words, loaded.Words);
        Assert.Equal(Enumerable.Range(0, 11).Select(vocabulary.CountOf), Enumerable.Range(0, 11).Select(loaded.CountOf));
        Assert.Equal((1, 4), (loaded.MinCount, loaded.MaxLength));
        Assert.StartsWith("{\"format\":\"captioning-vocabulary\",\"version\":1,\"minCount\":1,\"maxLength\":4,\"words\":[\"<pad>\"", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Theory]
    [InlineData("{\"format\": \"captioning-vocabulary\", \"version\": 1,", "is not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"format\": \"other\"}", "\"format\" must be \"captioning-vocabulary\"")]
    [InlineData("{\"format\": \"captioning-vocabulary\", \"version\": 9, \"minCount\": 1, \"maxLength\": 1, \"words\": [], \"counts\": []}", "format version 9 is not supported")]
    [InlineData("{\"format\": \"captioning-vocabulary\", \"version\": 1, \"minCount\": 1, \"maxLength\": 1, \"words\": [\"<pad>\"], \"counts\": []}", "\"words\" has 1 entries but \"counts\" has 0")]
    [InlineData("{\"format\": \"captioning-vocabulary\", \"version\": 1, \"minCount\": 1, \"maxLength\": 1, \"words\": [\"dog\"], \"counts\": [1]}", "words[0] must be the special token '<pad>'")]
    [InlineData("{\"format\": \"captioning-vocabulary\", \"version\": 1, \"minCount\": 1, \"maxLength\": 1, \"words\": [\"<pad>\", \"<pad>\"], \"counts\": [0, 0]}", "word '<pad>' occurs twice")]
    public void Load_ThrowsForMalformedFileNamingIt(string json, string expected)
    {
        using var temp = new TempFolder();
        var path = temp.File("vocabulary.json", json);
        var e = Assert.Throws<CaptioningException>(() => Vocabulary.Load(path));
        Assert.Contains($"vocabulary file '{path}'", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
