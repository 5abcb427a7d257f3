namespace Captioning.Inference;

/// <summary>How captions are decoded.</summary>
/// <param name="BeamSize">1 for greedy search; k &gt; 1 keeps the k best partial captions per image.</param>
/// <param name="MaxLength">Most words generated (not counting &lt;end&gt;); the tutorial allows 34, Keras-ic 20.</param>
/// <param name="MinLength">&lt;end&gt; is forbidden before this many words.</param>
/// <param name="LengthPenalty">Alpha of Wu et al. (2016): final scores are divided by ((5 + length) / 6)^alpha; 0 turns it off.</param>
/// <param name="BatchSize">Images decoded together.</param>
public sealed record DecodeOptions(int BeamSize = 1, int MaxLength = 20, int MinLength = 0, double LengthPenalty = 0, int BatchSize = 100)
{
    /// <summary>Greedy decoding, 20 words.</summary>
    public static DecodeOptions Greedy { get; } = new();

    /// <summary>Beam 3, 20 words (the Keras-ic evaluation).</summary>
    public static DecodeOptions Beam3 { get; } = new(BeamSize: 3);

    /// <summary>Checks the values, naming the option at fault.</summary>
    public DecodeOptions Validate(long vocabularySize)
    {
        if (BeamSize < 1) throw new CaptioningException($"--beam must be at least 1, got {BeamSize}");
        if (BeamSize > vocabularySize) throw new CaptioningException($"--beam {BeamSize} exceeds the vocabulary size {vocabularySize}");
        if (MaxLength < 1) throw new CaptioningException($"--max-length must be at least 1, got {MaxLength}");
        if (MinLength < 0 || MinLength > MaxLength) throw new CaptioningException($"--min-length must be in [0, max length {MaxLength}], got {MinLength}");
        if (LengthPenalty < 0) throw new CaptioningException($"--length-penalty must be >= 0, got {LengthPenalty}");
        if (BatchSize < 1) throw new CaptioningException($"decode batch size must be at least 1, got {BatchSize}");
        return this;
    }
}

/// <summary>Ids of the special tokens the decoder needs.</summary>
/// <param name="Start">&lt;start&gt;.</param>
/// <param name="End">&lt;end&gt;.</param>
/// <param name="Pad">&lt;pad&gt;, fed to finished hypotheses.</param>
public sealed record SpecialTokenIds(long Start = 1, long End = 2, long Pad = 0);

/// <summary>One decoded caption.</summary>
/// <param name="Tokens">Word ids without &lt;start&gt; and &lt;end&gt;.</param>
/// <param name="LogProbability">Sum of the chosen tokens' log-probabilities (including &lt;end&gt; when emitted).</param>
/// <param name="Finished">False when the caption hit the length limit without emitting &lt;end&gt;.</param>
public sealed record DecodedCaption(long[] Tokens, double LogProbability, bool Finished);
