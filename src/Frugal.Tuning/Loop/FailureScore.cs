namespace Frugal.Tuning.Loop;

/// <summary>
/// What a failed trial (did not start, crashed, timed out) scores, as LlamaTune does: the worst value seen so far,
/// starting from a quarter of the default's value for a maximised metric (throughput) or four times it for a minimised
/// one (latency), so a failure always looks worse than the baseline without wrecking the optimiser's scale.
/// </summary>
internal sealed class FailureScore
{
    private readonly bool _maximize;

    public FailureScore(double defaultValue, bool maximize)
    {
        _maximize = maximize;
        Worst = maximize ? defaultValue / 4 : defaultValue * 4;
    }

    /// <summary>The value a failure scores now.</summary>
    public double Worst { get; private set; }

    /// <summary>Notes a successful trial's value.</summary>
    public void Saw(double value) => Worst = _maximize ? Math.Min(Worst, value) : Math.Max(Worst, value);
}
