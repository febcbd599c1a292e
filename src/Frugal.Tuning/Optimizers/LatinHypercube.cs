using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// Latin hypercube designs over an optimiser's box: every dimension is cut into n equal strata and each stratum
/// holds exactly one of the n points, so a small design already covers every coordinate's whole range (the
/// initial design of the model-based optimisers and the <c>lhs</c> baseline).
/// </summary>
public static class LatinHypercube
{
    /// <summary>
    /// A fresh design of <paramref name="n"/> points. A continuous coordinate is uniform inside its stratum; a discrete
    /// one takes the level whose share of [0, 1] holds the stratum's midpoint, so level counts differ by at most one.
    /// </summary>
    public static double[][] Design(IReadOnlyList<OptimizerDimension> dimensions, int n, RandomStream random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var points = new double[n][];
        for (var i = 0; i < n; i++)
            points[i] = new double[dimensions.Count];
        var strata = new int[n];
        for (var d = 0; d < dimensions.Count; d++)
        {
            for (var i = 0; i < n; i++)
                strata[i] = i;
            random.Shuffle(strata);
            var dimension = dimensions[d];
            for (var i = 0; i < n; i++)
            {
                points[i][d] = dimension.IsContinuous
                    ? (strata[i] + random.NextDouble()) / n
                    : Box.LevelCoordinate(dimension,
                        Math.Min((int)((strata[i] + 0.5) / n * dimension.Levels), dimension.Levels - 1));
            }
        }
        return points;
    }
}

/// <summary>
/// The <c>lhs</c> baseline: suggests Latin hypercube points without looking at observations. The iteration budget is
/// not known up front, so it draws successive independent designs of <see cref="BatchSize"/> points, each stratified
/// on its own (the same size as the model-based optimisers' initial design).
/// </summary>
internal sealed class LatinHypercubeSearch(IReadOnlyList<OptimizerDimension> dimensions, RandomStream random)
    : IOptimizer
{
    /// <summary>Points per design.</summary>
    public const int BatchSize = 10;

    private readonly Queue<double[]> _pending = new();

    public string Name => "lhs";

    public double[] Suggest()
    {
        if (_pending.Count == 0)
        {
            foreach (var point in LatinHypercube.Design(dimensions, BatchSize, random))
                _pending.Enqueue(point);
        }
        return _pending.Dequeue();
    }

    public void Observe(double[] point, Observation observation)
    {
    }
}
