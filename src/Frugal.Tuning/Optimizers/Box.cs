using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// Points of an optimiser's [0, 1] box: sampling and snapping discrete coordinates onto their level grid.
/// </summary>
public static class Box
{
    /// <summary>A uniform point: continuous coordinates uniform on [0, 1], discrete ones a uniform level.</summary>
    public static double[] Sample(IReadOnlyList<OptimizerDimension> dimensions, RandomStream random)
    {
        var point = new double[dimensions.Count];
        SampleInto(dimensions, random, point);
        return point;
    }

    /// <summary>
    /// Like <see cref="Sample"/>, into <paramref name="point"/>: acquisition maximisers score thousands of candidates
    /// in one buffer.
    /// </summary>
    public static void SampleInto(IReadOnlyList<OptimizerDimension> dimensions, RandomStream random, Span<double> point)
    {
        for (var i = 0; i < point.Length; i++)
        {
            var dimension = dimensions[i];
            point[i] =
                dimension.IsContinuous ? random.NextDouble()
                : LevelCoordinate(dimension, random.Next(dimension.Levels));
        }
    }

    /// <summary>The coordinate of level <paramref name="level"/> of a discrete dimension.</summary>
    public static double LevelCoordinate(OptimizerDimension dimension, int level) =>
        dimension.Levels <= 1 ? 0 : (double)level / (dimension.Levels - 1);

    /// <summary>The level nearest to coordinate <paramref name="x"/> of a discrete dimension.</summary>
    public static int LevelOf(OptimizerDimension dimension, double x) =>
        dimension.Levels <= 1 ? 0 : (int)Math.Round(Math.Clamp(x, 0, 1) * (dimension.Levels - 1));

    /// <summary>Clamps every coordinate into [0, 1] and snaps discrete ones to their nearest level.</summary>
    public static double[] Snap(IReadOnlyList<OptimizerDimension> dimensions, double[] point)
    {
        var snapped = new double[point.Length];
        for (var i = 0; i < point.Length; i++)
        {
            var dimension = dimensions[i];
            snapped[i] =
                dimension.IsContinuous ? Math.Clamp(point[i], 0, 1)
                : LevelCoordinate(dimension, LevelOf(dimension, point[i]));
        }
        return snapped;
    }
}
