namespace Frugal.Core.Statistics;

/// <summary>Descriptive statistics over samples of doubles.</summary>
public static class Summary
{
    /// <summary>The arithmetic mean.</summary>
    /// <exception cref="ArgumentException">There are no values.</exception>
    public static double Mean(ReadOnlySpan<double> values)
    {
        RequireSome(values.Length);
        double mean = 0;
        for (var i = 0; i < values.Length; i++) mean += (values[i] - mean) / (i + 1);
        return mean;
    }

    /// <summary>The unbiased sample variance (divisor n − 1), by Welford's update.</summary>
    public static double Variance(ReadOnlySpan<double> values)
    {
        if (values.Length < 2) throw new ArgumentException("the sample variance needs at least two values.",
            nameof(values));
        double mean = 0, m2 = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var delta = values[i] - mean;
            mean += delta / (i + 1);
            m2 += delta * (values[i] - mean);
        }
        return m2 / (values.Length - 1);
    }

    /// <summary>The sample standard deviation (divisor n − 1).</summary>
    public static double StandardDeviation(ReadOnlySpan<double> values) => Math.Sqrt(Variance(values));

    /// <summary>The geometric mean, exp(mean(log x)); every value must be positive.</summary>
    public static double GeometricMean(ReadOnlySpan<double> values)
    {
        RequireSome(values.Length);
        double logMean = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!(values[i] > 0))
                throw new ArgumentOutOfRangeException(nameof(values), values[i],
                    $"the geometric mean needs positive values; value {i} is {values[i]}.");
            logMean += (Math.Log(values[i]) - logMean) / (i + 1);
        }
        return Math.Exp(logMean);
    }

    /// <summary>
    /// The p-quantile (0 ≤ p ≤ 1) by linear interpolation between order statistics (Hyndman and
    /// Fan's type 7, the default of R and NumPy).
    /// </summary>
    public static double Quantile(ReadOnlySpan<double> values, double p)
    {
        RequireSome(values.Length);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return QuantileOfSorted(sorted, p);
    }

    /// <summary>Several quantiles at once, sorting only once.</summary>
    public static double[] Quantiles(ReadOnlySpan<double> values, params ReadOnlySpan<double> ps)
    {
        RequireSome(values.Length);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var result = new double[ps.Length];
        for (var i = 0; i < ps.Length; i++) result[i] = QuantileOfSorted(sorted, ps[i]);
        return result;
    }

    /// <summary>The median: the 0.5-quantile.</summary>
    public static double Median(ReadOnlySpan<double> values) => Quantile(values, 0.5);

    /// <summary>The p-quantile of values already sorted ascending.</summary>
    public static double QuantileOfSorted(ReadOnlySpan<double> sorted, double p)
    {
        RequireSome(sorted.Length);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p,
            "a quantile level must lie in [0, 1].");
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void RequireSome(int count)
    {
        if (count == 0) throw new ArgumentException("the statistic needs at least one value.");
    }
}
