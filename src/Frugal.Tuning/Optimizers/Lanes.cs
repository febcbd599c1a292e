using System.Runtime.Intrinsics;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// The inner loops of Gaussian-process prediction and likelihood gradients, four lanes at a time. Both
/// paths add in the same order — four running lane sums, combined as (l0 + l1) + (l2 + l3), then the tail — so a
/// seeded run suggests bit-identical points with and without SIMD hardware.
/// </summary>
internal static class Lanes
{
    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var j = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var sum = Vector256<double>.Zero;
            for (; j <= a.Length - 4; j += 4)
            {
                var d = Vector256.Create(a.Slice(j, 4)) - Vector256.Create(b.Slice(j, 4));
                sum += d * d;
            }
            (l0, l1, l2, l3) = (sum.GetElement(0), sum.GetElement(1), sum.GetElement(2), sum.GetElement(3));
        }
        else
        {
            for (; j <= a.Length - 4; j += 4)
            {
                double d0 = a[j] - b[j], d1 = a[j + 1] - b[j + 1], d2 = a[j + 2] - b[j + 2], d3 = a[j + 3] - b[j + 3];
                l0 += d0 * d0;
                l1 += d1 * d1;
                l2 += d2 * d2;
                l3 += d3 * d3;
            }
        }
        var total = l0 + l1 + (l2 + l3);
        for (; j < a.Length; j++)
        {
            var d = a[j] - b[j];
            total += d * d;
        }
        return total;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var j = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var sum = Vector256<double>.Zero;
            for (; j <= a.Length - 4; j += 4)
                sum += Vector256.Create(a.Slice(j, 4)) * Vector256.Create(b.Slice(j, 4));
            (l0, l1, l2, l3) = (sum.GetElement(0), sum.GetElement(1), sum.GetElement(2), sum.GetElement(3));
        }
        else
        {
            for (; j <= a.Length - 4; j += 4)
            {
                l0 += a[j] * b[j];
                l1 += a[j + 1] * b[j + 1];
                l2 += a[j + 2] * b[j + 2];
                l3 += a[j + 3] * b[j + 3];
            }
        }
        var total = l0 + l1 + (l2 + l3);
        for (; j < a.Length; j++)
            total += a[j] * b[j];
        return total;
    }

    /// <summary>
    /// target[j] += factor · (a[j] − b[j])² for every j (lane-independent, so both paths agree exactly).
    /// </summary>
    public static void AddScaledSquaredDifference(Span<double> target, double factor, ReadOnlySpan<double> a,
        ReadOnlySpan<double> b)
    {
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            for (; j <= a.Length - 4; j += 4)
            {
                var d = Vector256.Create(a.Slice(j, 4)) - Vector256.Create(b.Slice(j, 4));
                (Vector256.Create(target.Slice(j, 4)) + f * (d * d)).CopyTo(target.Slice(j, 4));
            }
        }
        for (; j < a.Length; j++)
        {
            var d = a[j] - b[j];
            target[j] += factor * (d * d);
        }
    }
}
