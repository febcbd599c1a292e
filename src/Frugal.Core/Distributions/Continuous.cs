using Frugal.Core.Randomness;
using Mn = MathNet.Numerics.Distributions;

namespace Frugal.Core.Distributions;

/// <summary>Uniform on [<see cref="Lower"/>, <see cref="Upper"/>).</summary>
public sealed class Uniform : IContinuousDistribution
{
    /// <summary>Uniform on [<paramref name="lower"/>, <paramref name="upper"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, or upper is not above lower.</exception>
    public Uniform(double lower, double upper)
    {
        Check.Finite(lower, nameof(lower));
        Check.Finite(upper, nameof(upper));
        if (!(upper > lower)) throw new ArgumentOutOfRangeException(nameof(upper), upper,
            "upper must be greater than lower.");
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The lowest value, included.</summary>
    public double Lower { get; }
    /// <summary>The upper bound, excluded.</summary>
    public double Upper { get; }
    /// <inheritdoc/>
    public string Name => FormattableString.Invariant($"Uniform({Lower:G4}, {Upper:G4})");
    /// <inheritdoc/>
    public double Mean => (Lower + Upper) / 2;
    /// <inheritdoc/>
    public double Variance => (Upper - Lower) * (Upper - Lower) / 12;
    /// <inheritdoc/>
    public double Sample(RandomStream random) => Lower + (Upper - Lower) * random.NextDouble();
    /// <inheritdoc/>
    public double Cdf(double x) => Math.Clamp((x - Lower) / (Upper - Lower), 0, 1);
}

/// <summary>Exponential with the given rate (mean 1/rate), e.g. inter-arrival gaps of a Poisson process.</summary>
public sealed class Exponential : IContinuousDistribution
{
    /// <summary>The exponential distribution with rate <paramref name="rate"/> events per unit time.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not a positive finite number.</exception>
    public Exponential(double rate)
    {
        Check.Positive(rate, nameof(rate));
        Rate = rate;
    }

    /// <summary>The exponential distribution whose mean is <paramref name="mean"/>.</summary>
    public static Exponential WithMean(double mean)
    {
        Check.Positive(mean, nameof(mean));
        return new Exponential(1 / mean);
    }

    /// <summary>λ, events per unit time.</summary>
    public double Rate { get; }
    /// <inheritdoc/>
    public string Name => FormattableString.Invariant($"Exponential(λ={Rate:G4})");
    /// <inheritdoc/>
    public double Mean => 1 / Rate;
    /// <inheritdoc/>
    public double Variance => 1 / (Rate * Rate);
    /// <inheritdoc/>
    public double Sample(RandomStream random) => -Math.Log(random.NextDoubleNonZero()) / Rate;
    /// <inheritdoc/>
    public double Cdf(double x) => x <= 0 ? 0 : -Precise.ExpM1(-Rate * x);
}

/// <summary>Normal (Gaussian) with mean μ and standard deviation σ.</summary>
public sealed class Normal : IContinuousDistribution
{
    /// <summary>
    /// Normal with mean <paramref name="mean"/> and standard deviation <paramref name="standardDeviation"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The mean is not finite, or the deviation not positive and finite.
    /// </exception>
    public Normal(double mean, double standardDeviation)
    {
        Check.Finite(mean, nameof(mean));
        Check.Positive(standardDeviation, nameof(standardDeviation));
        Mu = mean;
        Sigma = standardDeviation;
    }

    /// <summary>μ, the mean.</summary>
    public double Mu { get; }
    /// <summary>σ, the standard deviation.</summary>
    public double Sigma { get; }
    /// <inheritdoc/>
    public string Name => FormattableString.Invariant($"Normal(μ={Mu:G4}, σ={Sigma:G4})");
    /// <inheritdoc/>
    public double Mean => Mu;
    /// <inheritdoc/>
    public double Variance => Sigma * Sigma;
    /// <inheritdoc/>
    public double Sample(RandomStream random) => Mn.Normal.Sample(random, Mu, Sigma);
    /// <inheritdoc/>
    public double Cdf(double x) => Mn.Normal.CDF(Mu, Sigma, x);
}

/// <summary>Log-normal: exp of a Normal(μ, σ); heavy-tailed durations and sizes.</summary>
internal sealed class LogNormal : IContinuousDistribution
{
    public LogNormal(double mu, double sigma)
    {
        Check.Finite(mu, nameof(mu));
        Check.Positive(sigma, nameof(sigma));
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The log-normal with the given median and geometric standard deviation (both &gt; 0).</summary>
    public static LogNormal FromMedian(double median, double geometricStandardDeviation)
    {
        Check.Positive(median, nameof(median));
        if (!(geometricStandardDeviation > 1))
            throw new ArgumentOutOfRangeException(nameof(geometricStandardDeviation), geometricStandardDeviation,
                "the geometric standard deviation must exceed 1.");
        return new LogNormal(Math.Log(median), Math.Log(geometricStandardDeviation));
    }

    public double Mu { get; }
    public double Sigma { get; }
    public string Name => FormattableString.Invariant($"LogNormal(μ={Mu:G4}, σ={Sigma:G4})");
    public double Mean => Math.Exp(Mu + Sigma * Sigma / 2);
    public double Variance => Precise.ExpM1(Sigma * Sigma) * Math.Exp(2 * Mu + Sigma * Sigma);
    public double Sample(RandomStream random) => Math.Exp(Mn.Normal.Sample(random, Mu, Sigma));
    public double Cdf(double x) => x <= 0 ? 0 : Mn.LogNormal.CDF(Mu, Sigma, x);
}
