using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class CaptionCleanerTests
{
    [Theory]
    // The tutorial's own before/after pairs for image 1000268201_693b08cb0e.
    [InlineData("A child in a pink dress is climbing up a set of stairs in an entry way .", "child in pink dress is climbing up set of stairs in an entry way")]
    [InlineData("A girl going into a wooden building .", "girl going into wooden building")]
    [InlineData("A little girl climbing into a wooden playhouse .", "little girl climbing into wooden playhouse")]
    [InlineData("A dog's 2 toys, \"red\" & blue!", "dogs toys red blue")]
    [InlineData("", "")]
    public void Clean_MatchesTheTutorial(string raw, string expected) =>
        Assert.Equal(expected, CaptionCleaner.Tutorial.Clean(raw));

    [Fact]
    public void Clean_KeepsOneLetterWordsWhenAsked() =>
        Assert.Equal("a girl going into a wooden building", new CaptionCleaner(KeepSingleLetters: true).Clean("A girl going into a wooden building ."));
}
