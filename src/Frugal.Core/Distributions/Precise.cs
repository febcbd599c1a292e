namespace Frugal.Core.Distributions;

/// <summary>
/// exp(x) − 1 and log(1 + x) without cancellation near 0 (.NET's <c>double.ExpM1</c> is computed
/// as <c>Exp(x) − 1</c>). Kahan's tricks: the rounding error of u = exp(x) or u = 1 + x is undone
/// by the ratio that follows.
/// </summary>
internal static class Precise
{
    public static double ExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0) return x;
        var um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        return um1 * x / Math.Log(u);
    }

    public static double Log1P(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }
}
