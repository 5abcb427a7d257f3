namespace Captioning.Data;

/// <summary>Derives independent seeds from (seed, index) the same way in every process (HashCode is randomised per process).</summary>
public static class Seeds
{
    /// <summary>A non-negative seed for item <paramref name="index"/> of a run seeded with <paramref name="seed"/> (SplitMix64 finaliser).</summary>
    public static int Mix(int seed, int index)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
