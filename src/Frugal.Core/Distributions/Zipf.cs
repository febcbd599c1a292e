using Frugal.Core.Randomness;

namespace Frugal.Core.Distributions;

/// <summary>
/// The exact bounded Zipf law on [min, max]: the item of rank r (0-based, min is the most
/// popular) has probability (r+1)^−θ / H(n, θ). Any θ ≥ 0 is allowed, including θ ≥ 1.
/// Sampled in O(1) time and memory by Hörmann and Derflinger's rejection-inversion method.
/// </summary>
public sealed class Zipf : IDiscreteDistribution
{
    private readonly long _n;
    private readonly double _theta;
    private readonly double _normaliser;
    private readonly double _hIntegralX1;
    private readonly double _hIntegralN;
    private readonly double _s;

    /// <summary>
    /// The Zipf law on [<paramref name="min"/>, <paramref name="max"/>] with exponent <paramref name="theta"/> ≥ 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">max is below min, or theta is negative or not finite.</exception>
    public Zipf(long min, long max, double theta)
    {
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), max, "max must not be below min.");
        if (!(theta >= 0) || double.IsInfinity(theta))
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "theta must be a non-negative finite number.");
        Min = min;
        Max = max;
        _n = max - min + 1;
        _theta = theta;
        _normaliser = Zeta.PartialSum(_n, theta);
        _hIntegralX1 = HIntegral(1.5) - 1;
        _hIntegralN = HIntegral(_n + 0.5);
        _s = 2 - HIntegralInverse(HIntegral(2.5) - H(2));
    }

    /// <inheritdoc/>
    public long Min { get; }
    /// <inheritdoc/>
    public long Max { get; }
    /// <summary>θ, the exponent: 0 is uniform, larger values favour the first items more.</summary>
    public double Theta => _theta;
    /// <inheritdoc/>
    public string Name => FormattableString.Invariant($"Zipf(n={_n}, θ={_theta:G4})");

    /// <inheritdoc/>
    public double Probability(long k) => k < Min || k > Max ? 0 : Math.Pow(k - Min + 1, -_theta) / _normaliser;

    /// <inheritdoc/>
    public long Sample(RandomStream random)
    {
        while (true)
        {
            var u = _hIntegralN + random.NextDouble() * (_hIntegralX1 - _hIntegralN);
            var x = HIntegralInverse(u);
            var k = Math.Clamp((long)(x + 0.5), 1, _n);
            if (k - x <= _s || u >= HIntegral(k + 0.5) - H(k))
                return Min + k - 1;
        }
    }

    // h(x) = x^−θ is the (unnormalised) density being dominated; HIntegral is its antiderivative,
    // written with expm1/log1p helpers so that θ = 1 and θ near 1 stay accurate.
    private double H(double x) => Math.Exp(-_theta * Math.Log(x));

    private double HIntegral(double x)
    {
        var logX = Math.Log(x);
        return ExpM1OverX((1 - _theta) * logX) * logX;
    }

    private double HIntegralInverse(double x)
    {
        var t = Math.Max(x * (1 - _theta), -1);
        return Math.Exp(Log1POverX(t) * x);
    }

    private static double ExpM1OverX(double x) => Math.Abs(x) > 1e-8 ? Precise.ExpM1(x) / x : 1 + x / 2 * (1 + x / 3);

    private static double Log1POverX(double x) => Math.Abs(x) > 1e-8 ? Precise.Log1P(x) / x : 1 - x * (0.5 - x / 3);
}
