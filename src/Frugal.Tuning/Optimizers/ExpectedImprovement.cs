using MathNet.Numerics.Distributions;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// Expected improvement for minimisation and the probability of satisfying a constraint, from a Gaussian predictive
/// distribution. Both come in log form too: constrained EI multiplies small numbers, and far from the incumbent EI
/// underflows to 0 in doubles, which would leave the acquisition maximiser with nothing but ties.
/// </summary>
public static class ExpectedImprovement
{
    // Below −20 the asymptotic series are accurate to ~1e-9 relative; above it the direct forms are.
    private const double SeriesBelow = 20;

    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>E[max(η − f, 0)] for f ~ N(μ, σ²): (η − μ) Φ(z) + σ φ(z) with z = (η − μ) / σ.</summary>
    public static double Value(double mean, double standardDeviation, double incumbent)
    {
        if (standardDeviation <= 0)
            return Math.Max(incumbent - mean, 0);
        var z = (incumbent - mean) / standardDeviation;
        return standardDeviation * (z * Normal.CDF(0, 1, z) + Normal.PDF(0, 1, z));
    }

    /// <summary>
    /// log EI, finite wherever σ &gt; 0: log σ + log h(z), h(z) = z Φ(z) + φ(z); below z = −20, where φ and Φ head
    /// for underflow (and h loses ~z² ulps to cancellation), the asymptotic series h(z) ≈ φ(z) / z² (1 − 3/z² + 15/z⁴ −
    /// 105/z⁶).
    /// </summary>
    public static double Log(double mean, double standardDeviation, double incumbent)
    {
        if (standardDeviation <= 0)
            return Math.Log(Math.Max(incumbent - mean, 0));
        var z = (incumbent - mean) / standardDeviation;
        if (z > -SeriesBelow)
            return Math.Log(standardDeviation) + Math.Log(z * Normal.CDF(0, 1, z) + Normal.PDF(0, 1, z));
        var w = 1 / (z * z);
        return Math.Log(standardDeviation) + LogStandardNormalDensity(z) + Math.Log(w)
            + Math.Log(1 - 3 * w + 15 * w * w - 105 * w * w * w);
    }

    /// <summary>
    /// log P(c ≤ 0) for c ~ N(μ, σ²) = log Φ(−μ / σ), with the Mills-ratio series where Φ underflows.
    /// </summary>
    public static double LogProbabilityFeasible(double mean, double standardDeviation)
    {
        if (standardDeviation <= 0)
            return mean <= 0 ? 0 : double.NegativeInfinity;
        var x = -mean / standardDeviation;
        if (x > -SeriesBelow)
            return Math.Log(Normal.CDF(0, 1, x));
        var w = 1 / (x * x);
        return LogStandardNormalDensity(x) - Math.Log(-x) + Math.Log(1 - w + 3 * w * w - 15 * w * w * w);
    }

    private static double LogStandardNormalDensity(double z) => -0.5 * z * z - LogSqrt2Pi;
}
