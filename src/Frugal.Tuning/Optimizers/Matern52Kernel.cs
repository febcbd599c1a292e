namespace Frugal.Tuning.Optimizers;

/// <summary>
/// The Matérn 5/2 kernel with automatic relevance determination: k(x, x') = σ² (1 + √5 r + 5/3 r²) exp(−√5 r),
/// r² = Σ_j ((x_j − x'_j) / ℓ_j)². Twice differentiable (smoother than exponential, rougher than squared
/// exponential), the usual choice for Bayesian optimisation; one length scale per dimension lets the fit switch
/// irrelevant dimensions off.
/// </summary>
internal static class Matern52Kernel
{
    private static readonly double Sqrt5 = Math.Sqrt(5);

    /// <summary>The covariance of two points under signal variance σ² and length scales ℓ.</summary>
    public static double Covariance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double signalVariance,
        ReadOnlySpan<double> lengthScales) =>
        OfDistance(ScaledDistance(a, b, lengthScales), signalVariance);

    /// <summary>The scaled distance r between two points.</summary>
    public static double ScaledDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b,
        ReadOnlySpan<double> lengthScales)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var d = (a[j] - b[j]) / lengthScales[j];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>k as a function of the scaled distance r.</summary>
    public static double OfDistance(double r, double signalVariance) =>
        signalVariance * (1 + Sqrt5 * r + 5.0 / 3.0 * r * r) * Math.Exp(-Sqrt5 * r);

    /// <summary>
    /// ∂k/∂log ℓ_j divided by (d_j / ℓ_j)², which is the same for every j: dk/dr = −5/3 σ² r (1 + √5 r) e^{−√5 r} and
    /// ∂r/∂log ℓ_j = −(d_j / ℓ_j)² / r, so ∂k/∂log ℓ_j = 5/3 σ² (1 + √5 r) e^{−√5 r} (d_j / ℓ_j)².
    /// </summary>
    public static double LengthScaleGradientFactor(double r, double signalVariance) =>
        5.0 / 3.0 * signalVariance * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);
}
