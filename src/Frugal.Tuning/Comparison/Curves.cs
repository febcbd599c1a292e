using Frugal.Tuning.Loop;

namespace Frugal.Tuning.Comparison;

/// <summary>Best-so-far curves and the sample-efficiency arithmetic LlamaTune reports.</summary>
internal static class Curves
{
    /// <summary>
    /// The best successful value after each trial (each trial's value by <paramref name="value"/>, default its
    /// recorded one); before the first success, the first trial's value.
    /// </summary>
    public static double[] BestSoFar(IReadOnlyList<TrialRecord> trials, bool maximize,
        Func<TrialRecord, double>? value = null)
    {
        value ??= t => t.Value;
        var curve = new double[trials.Count];
        double? best = null;
        for (var i = 0; i < trials.Count; i++)
        {
            var v = value(trials[i]);
            if (!trials[i].Failed && (best is not { } b || (maximize ? v > b : v < b))) best = v;
            curve[i] = best ?? v;
        }
        return curve;
    }

    /// <summary>
    /// How many trials a best-so-far curve needs to reach <paramref name="value"/> (1-based: the default is trial 1),
    /// or null if it never does.
    /// </summary>
    public static int? TrialsToReach(IReadOnlyList<double> bestSoFar, double value, bool maximize)
    {
        for (var i = 0; i < bestSoFar.Count; i++)
            if (maximize ? bestSoFar[i] >= value : bestSoFar[i] <= value) return i + 1;
        return null;
    }

    /// <summary>
    /// LlamaTune's speed-up on one seed: the trials the plain optimiser needed to reach its own final best, divided by
    /// the
    /// trials the wrapped method needed to reach that value; null when the wrapped method never reached it.
    /// </summary>
    public static double? TrialsRatio(IReadOnlyList<double> plain, IReadOnlyList<double> wrapped, bool maximize)
    {
        var target = plain[^1];
        var plainTrials = TrialsToReach(plain, target, maximize)!.Value;
        return TrialsToReach(wrapped, target, maximize) is { } wrappedTrials ? (double)plainTrials / wrappedTrials
            : null;
    }
}
