using Frugal.Core.Randomness;

namespace Frugal.Core.Statistics;

/// <summary>A point estimate with a confidence interval around it.</summary>
public readonly record struct Interval(double Estimate, double Lower, double Upper, double Level)
{
    /// <summary>Whether <paramref name="value"/> lies in [Lower, Upper].</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}

/// <summary>Percentile-bootstrap confidence intervals for any statistic of a sample.</summary>
public static class Bootstrap
{
    /// <summary>A statistic of a sample, e.g. its mean.</summary>
    public delegate double Statistic(ReadOnlySpan<double> sample);

    /// <param name="values">The observed sample.</param>
    /// <param name="statistic">The statistic to estimate, e.g. <see cref="Summary.Mean"/>.</param>
    /// <param name="random">The stream the resamples are drawn from; the run records its seed.</param>
    /// <param name="resamples">How many bootstrap resamples to draw (1,000 or more for 95% intervals).</param>
    /// <param name="level">The confidence level, in (0, 1).</param>
    public static Interval ConfidenceInterval(ReadOnlySpan<double> values, Statistic statistic, RandomStream random,
        int resamples = 2000, double level = 0.95)
    {
        if (values.Length == 0) throw new ArgumentException("a bootstrap needs at least one value.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 10);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level,
            "the confidence level must lie in (0, 1).");

        var estimates = new double[resamples];
        var resample = new double[values.Length];
        for (var b = 0; b < resamples; b++)
        {
            for (var i = 0; i < resample.Length; i++) resample[i] = values[random.Next(values.Length)];
            estimates[b] = statistic(resample);
        }
        Array.Sort(estimates);
        var tail = (1 - level) / 2;
        return new Interval(statistic(values), Summary.QuantileOfSorted(estimates, tail),
            Summary.QuantileOfSorted(estimates, 1 - tail), level);
    }
}
