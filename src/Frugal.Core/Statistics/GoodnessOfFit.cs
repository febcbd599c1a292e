using MathNet.Numerics.Distributions;

namespace Frugal.Core.Statistics;

/// <summary>
/// The outcome of a goodness-of-fit test: its statistic and the p-value of the null hypothesis that the sample follows
/// the law.
/// </summary>
internal readonly record struct FitTest(string Test, double Statistic, double PValue, int DegreesOfFreedom = 0)
{
    public bool Passes(double significance) => PValue >= significance;
}

/// <summary>Goodness-of-fit tests of samples against analytic laws.</summary>
internal static class GoodnessOfFit
{
    /// <summary>
    /// One-sample Kolmogorov–Smirnov test against a continuous CDF, with the asymptotic
    /// Kolmogorov p-value (Stephens' small-sample correction).
    /// </summary>
    public static FitTest KolmogorovSmirnov(ReadOnlySpan<double> sample, Func<double, double> cdf)
    {
        if (sample.Length == 0) throw new ArgumentException("the test needs at least one value.", nameof(sample));
        var sorted = sample.ToArray();
        Array.Sort(sorted);
        double n = sorted.Length, d = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(f - i / n, (i + 1) / n - f));
        }
        var sqrtN = Math.Sqrt(n);
        return new FitTest("Kolmogorov-Smirnov", d, KolmogorovSurvival((sqrtN + 0.12 + 0.11 / sqrtN) * d));
    }

    /// <summary>
    /// Pearson's chi-square test of observed category counts against expected probabilities.
    /// Adjacent categories are pooled until each pooled cell expects at least
    /// <paramref name="minExpected"/> observations, as the test's asymptotics require.
    /// </summary>
    public static FitTest ChiSquare(IReadOnlyList<long> observed, IReadOnlyList<double> probabilities,
        double minExpected = 5)
    {
        if (observed.Count != probabilities.Count)
            throw new ArgumentException($"{observed.Count} observed counts but {probabilities.Count} probabilities.");
        double total = 0;
        foreach (var o in observed) total += o;
        if (total == 0) throw new ArgumentException("no observations.", nameof(observed));
        var probabilitySum = probabilities.Sum();

        var cells = new List<(double Observed, double Expected)>();
        double pooledObserved = 0, pooledExpected = 0;
        for (var i = 0; i < observed.Count; i++)
        {
            pooledObserved += observed[i];
            pooledExpected += total * probabilities[i] / probabilitySum;
            if (pooledExpected >= minExpected)
            {
                cells.Add((pooledObserved, pooledExpected));
                pooledObserved = pooledExpected = 0;
            }
        }
        if (pooledExpected > 0 || pooledObserved > 0)
        {
            if (cells.Count == 0) cells.Add((pooledObserved, pooledExpected));
            else cells[^1] = (cells[^1].Observed + pooledObserved, cells[^1].Expected + pooledExpected);
        }
        if (cells.Count
            < 2) throw new ArgumentException(
            "too few observations for a chi-square test: fewer than two cells expect enough counts.");

        var statistic = cells.Sum(c => (c.Observed - c.Expected) * (c.Observed - c.Expected) / c.Expected);
        var df = cells.Count - 1;
        return new FitTest("chi-square", statistic, 1 - ChiSquared.CDF(df, statistic), df);
    }

    /// <summary>Total variation distance between two laws on the same categories: half the L1 distance.</summary>
    public static double TotalVariation(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        if (p.Count != q.Count) throw new ArgumentException($"laws over {p.Count} and {q.Count} categories.");
        double sum = 0;
        for (var i = 0; i < p.Count; i++) sum += Math.Abs(p[i] - q[i]);
        return sum / 2;
    }

    /// <summary>
    /// Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} exp(−2 j² λ²), the Kolmogorov distribution's survival function.
    /// </summary>
    private static double KolmogorovSurvival(double lambda)
    {
        if (lambda < 1e-3) return 1;
        double sum = 0, sign = 1, previous = 0;
        for (var j = 1; j <= 100; j++)
        {
            var term = sign * Math.Exp(-2 * j * j * lambda * lambda);
            sum += term;
            if (Math.Abs(term) <= 1e-10 * Math.Abs(sum) || Math.Abs(term) <= 1e-12 * previous)
                return Math.Clamp(2 * sum, 0, 1);
            sign = -sign;
            previous = Math.Abs(term);
        }
        return 1; // Not converged: only happens for tiny λ, where the answer is 1.
    }
}
