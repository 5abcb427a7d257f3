namespace Captioning.Tests.Reporting;

/// <summary>A clock that stands still until the test moves it, so rates and ETAs are exact.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => ticks;

    public void Advance(TimeSpan by) => ticks += by.Ticks;
}
