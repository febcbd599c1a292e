using Frugal.Core.Randomness;

namespace Frugal.Core.Distributions;

/// <summary>Something that draws values of type <typeparamref name="T"/> from a random stream.</summary>
internal interface ISampler<out T>
{
    /// <summary>A short human-readable description with its parameters, e.g. <c>Normal(μ=0, σ=1)</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Draws one value, using only <paramref name="random"/>, so the same stream gives the same values.
    /// </summary>
    T Sample(RandomStream random);
}

/// <summary>A real-valued distribution with a known cumulative distribution function.</summary>
internal interface IContinuousDistribution : ISampler<double>
{
    /// <summary>The expected value.</summary>
    double Mean { get; }

    /// <summary>The variance, the squared standard deviation.</summary>
    double Variance { get; }

    /// <summary>P(X ≤ <paramref name="x"/>).</summary>
    double Cdf(double x);
}

/// <summary>An integer-valued distribution on [<see cref="Min"/>, <see cref="Max"/>] with a known law.</summary>
internal interface IDiscreteDistribution : ISampler<long>
{
    /// <summary>The smallest value drawn.</summary>
    long Min { get; }

    /// <summary>The largest value drawn.</summary>
    long Max { get; }

    /// <summary>P(X = k).</summary>
    double Probability(long k);
}

internal static class Check
{
    public static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive finite number.");
    }

    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite.");
    }
}
