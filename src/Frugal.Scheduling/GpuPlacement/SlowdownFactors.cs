namespace Frugal.Scheduling.GpuPlacement;

/// <summary>How PAL chooses K1, the number of clusters of the non-outlier GPUs.</summary>
public enum ClusterCountRule
{
    /// <summary>The reference's behaviour: <c>get_optimal_k</c> returns inside its loop, so K1 is always 2.</summary>
    ReferenceFirstK,
    /// <summary>What the reference means to do: the k in 2..10 with the best silhouette score.</summary>
    Silhouette,
}

/// <summary>
/// PAL's step 1 (hal-uw/blox-pal:placement/pal.py, get_slowdown_factors), for one class: outliers are GPUs with
/// PerfVar &gt; mean + 3·std (sample std, as pandas); K = K1 + #outliers clusters of all GPUs by 1-D k-means; a GPU's
/// slowdown factor is its cluster's centroid / the median centroid. The reference runs scikit-learn's k-means++
/// (seed 1); here k-means is solved exactly (1-D optimal clusters are contiguous runs of the sorted values, found by
/// dynamic programming), which is deterministic and is the optimum k-means++ restarts aim for.
/// </summary>
public static class SlowdownFactors
{
    /// <summary>Each GPU's slowdown factor, in the order of <paramref name="perfVar"/>.</summary>
    public static double[] Compute(IReadOnlyList<double> perfVar, ClusterCountRule rule)
    {
        var values = perfVar.ToArray();
        var outliers = Outliers(values);
        var inliers = values.Where((_, i) => !outliers[i]).ToArray();
        var k = Math.Min(ClusterCount(inliers, rule) + outliers.Count(o => o), values.Distinct().Count());
        var centroids = KMeans1D(values, k);
        var assigned = values.Select(v => Nearest(centroids, v)).ToArray();
        var median = Median(centroids);
        return [.. assigned.Select(c => c / median)];
    }

    /// <summary>PerfVar &gt; mean + 3·std, std with n − 1 (pandas' default).</summary>
    internal static bool[] Outliers(double[] values)
    {
        if (values.Length < 2) return new bool[values.Length];
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return [.. values.Select(v => v > mean + 3 * std)];
    }

    /// <summary>K1: 2 under the reference rule, else the best silhouette over k = 2..10 (first on ties).</summary>
    internal static int ClusterCount(double[] inliers, ClusterCountRule rule)
    {
        var distinct = inliers.Distinct().Count();
        if (distinct < 2) return Math.Max(distinct, 1);
        if (rule == ClusterCountRule.ReferenceFirstK) return 2;
        var (best, bestScore) = (2, double.NegativeInfinity);
        for (var k = 2; k <= Math.Min(10, Math.Min(distinct, inliers.Length - 1)); k++)
        {
            var centroids = KMeans1D(inliers, k);
            var score = Silhouette(inliers, [.. inliers.Select(v => Array.IndexOf(centroids, Nearest(centroids, v)))]);
            if (score > bestScore) (best, bestScore) = (k, score);
        }
        return best;
    }

    /// <summary>Mean silhouette (Rousseeuw): s = (b − a) / max(a, b); 0 for a point alone in its cluster.</summary>
    internal static double Silhouette(double[] values, int[] labels)
    {
        var total = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var own = labels.Count(l => l == labels[i]);
            if (own == 1) continue;
            var a = Enumerable.Range(0, values.Length).Where(j => labels[j] == labels[i] && j != i)
                .Average(j => Math.Abs(values[i] - values[j]));
            var b = labels.Distinct().Where(l => l != labels[i]).Min(l =>
                Enumerable.Range(0, values.Length).Where(j => labels[j] == l)
                    .Average(j => Math.Abs(values[i] - values[j])));
            total += Math.Max(a, b) == 0 ? 0 : (b - a) / Math.Max(a, b);
        }
        return total / values.Length;
    }

    /// <summary>The centroids, ascending, of the optimal k-means partition of 1-D data.</summary>
    internal static double[] KMeans1D(double[] data, int k)
    {
        var x = data.Order().ToArray();
        var n = x.Length;
        k = Math.Clamp(k, 1, n);
        var prefix = new double[n + 1];
        var prefixSq = new double[n + 1];
        for (var i = 0; i < n; i++) (prefix[i + 1], prefixSq[i + 1]) = (prefix[i] + x[i], prefixSq[i] + x[i] * x[i]);
        // Sum of squared deviations of x[from..to) from their mean.
        double Cost(int from, int to)
        {
            var m = to - from;
            var s = prefix[to] - prefix[from];
            return Math.Max(0, prefixSq[to] - prefixSq[from] - s * s / m);
        }
        var cost = new double[k + 1, n + 1];
        var cut = new int[k + 1, n + 1];
        for (var j = 1; j <= n; j++) cost[1, j] = Cost(0, j);
        for (var c = 2; c <= k; c++)
            for (var j = c; j <= n; j++)
            {
                cost[c, j] = double.PositiveInfinity;
                for (var i = c - 1; i < j; i++)
                {
                    var total = cost[c - 1, i] + Cost(i, j);
                    if (total < cost[c, j]) (cost[c, j], cut[c, j]) = (total, i);
                }
            }
        var centroids = new double[k];
        for (int c = k, end = n; c >= 1; c--)
        {
            var start = c == 1 ? 0 : cut[c, end];
            centroids[c - 1] = (prefix[end] - prefix[start]) / (end - start);
            end = start;
        }
        return centroids;
    }

    private static double Nearest(double[] centroids, double v) => centroids.MinBy(c => Math.Abs(c - v));

    private static double Median(double[] sorted) => sorted.Length % 2 == 1
        ? sorted[sorted.Length / 2]
        : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
