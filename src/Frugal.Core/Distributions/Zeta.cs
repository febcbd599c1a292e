namespace Frugal.Core.Distributions;

/// <summary>Generalised harmonic numbers H(n, θ) = Σ_{i=1..n} i^−θ, the normaliser of a bounded Zipf law.</summary>
internal static class Zeta
{
    // Terms summed exactly before switching to the Euler–Maclaurin tail; at this cut-off the
    // neglected remainder is below 1e-15 relative, so even n = 10^10 costs microseconds.
    private const long ExactTerms = 10_000;

    public static double PartialSum(long n, double theta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!(theta >= 0) || double.IsInfinity(theta))
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "theta must be a non-negative finite number.");
        if (n <= ExactTerms) return ExactSum(1, n, theta);

        const long m = ExactTerms;
        var sum = ExactSum(1, m - 1, theta);
        double nn = n, mm = m;
        var integral = Math.Abs(theta - 1) < 1e-12
            ? Math.Log(nn / mm)
            : (Math.Pow(nn, 1 - theta) - Math.Pow(mm, 1 - theta)) / (1 - theta);
        double F(double x) => Math.Pow(x, -theta);
        double F1(double x) => -theta * Math.Pow(x, -theta - 1);
        double F3(double x) => -theta * (theta + 1) * (theta + 2) * Math.Pow(x, -theta - 3);
        return sum + integral + (F(mm) + F(nn)) / 2 + (F1(nn) - F1(mm)) / 12 - (F3(nn) - F3(mm)) / 720;
    }

    private static double ExactSum(long from, long to, double theta)
    {
        // Smallest terms first, to lose as little as possible to rounding.
        double sum = 0;
        for (var i = to; i >= from; i--) sum += Math.Pow(i, -theta);
        return sum;
    }
}
