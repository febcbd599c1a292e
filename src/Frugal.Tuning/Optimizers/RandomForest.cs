using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>The forest SMAC4HPO uses (LlamaTune's settings): 100 bootstrapped trees, every feature tried at every split.</summary>
public sealed record RandomForestOptions(int Trees = 100, int MinSamplesSplit = 2, int MinSamplesLeaf = 3, int MaxDepth = 1 << 20, bool Bootstrap = true);

/// <summary>
/// A random forest of regression trees, the surrogate of the <c>smac</c> optimiser. Built in-house because SMAC needs
/// every tree's prediction to form a predictive variance, and ML.NET's FastForest only exposes the forest's average.
/// Splits minimise the children's summed squared error (variance reduction); as in SMAC's pyrfr forest, the threshold
/// is drawn uniformly between the two consecutive distinct values it separates, so the forest's average interpolates
/// between observations instead of stepping at their midpoints. Discrete dimensions are ordinary ordered coordinates.
/// </summary>
public sealed class RandomForest : ISurrogate
{
    private readonly RegressionTree[] _trees;

    private RandomForest(RegressionTree[] trees) => _trees = trees;

    /// <summary>Grows the forest; each tree draws its bootstrap sample and split tie-breaks from <paramref name="random"/>.</summary>
    public static RandomForest Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> values, RandomStream random, RandomForestOptions? options = null)
    {
        options ??= new RandomForestOptions();
        if (points.Count == 0 || points.Count != values.Count)
            throw new ArgumentException($"a random forest needs as many values as points, at least one (got {points.Count} points, {values.Count} values)");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Trees);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MinSamplesLeaf);
        var x = points.ToArray();
        var y = values.ToArray();
        var builder = new RegressionTree.Builder(x, y, options, random);
        var trees = new RegressionTree[options.Trees];
        var sample = new int[x.Length];
        for (var t = 0; t < trees.Length; t++)
        {
            for (var i = 0; i < sample.Length; i++)
                sample[i] = options.Bootstrap ? random.Next(x.Length) : i;
            trees[t] = builder.Grow(sample);
        }
        return new RandomForest(trees);
    }

    /// <summary>
    /// The mean and the variance of the trees' predictions (their leaf means). SMAC configures its pyrfr forest the same
    /// way (compute_law_of_total_variance off): adding the leaves' own spread would make wide, coarse leaves look
    /// uncertain everywhere and drown the disagreement between trees that EI should explore.
    /// </summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point)
    {
        double sum = 0, sumOfSquares = 0;
        foreach (var tree in _trees)
        {
            var mean = tree.Leaf(point);
            sum += mean;
            sumOfSquares += mean * mean;
        }
        var forestMean = sum / _trees.Length;
        return (forestMean, Math.Max(sumOfSquares / _trees.Length - forestMean * forestMean, 0));
    }
}

/// <summary>Fits a fresh <see cref="RandomForest"/> per call.</summary>
public sealed class RandomForestFitter(RandomStream random, RandomForestOptions? options = null) : ISurrogateFitter
{
    public ISurrogate Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> values) => RandomForest.Fit(points, values, random, options);
}

/// <summary>One regression tree in flat arrays: node i splits on Feature[i] ≤ Threshold[i], or is a leaf when Feature[i] &lt; 0.</summary>
internal sealed class RegressionTree
{
    private readonly int[] _feature, _left, _right;
    private readonly double[] _threshold, _mean;

    private RegressionTree(List<Node> nodes)
    {
        _feature = [.. nodes.Select(n => n.Feature)];
        _left = [.. nodes.Select(n => n.Left)];
        _right = [.. nodes.Select(n => n.Right)];
        _threshold = [.. nodes.Select(n => n.Threshold)];
        _mean = [.. nodes.Select(n => n.Mean)];
    }

    /// <summary>The mean of the training values in the leaf <paramref name="point"/> falls into.</summary>
    public double Leaf(ReadOnlySpan<double> point)
    {
        var node = 0;
        while (_feature[node] >= 0)
            node = point[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
        return _mean[node];
    }

    private record struct Node(int Feature, double Threshold, int Left, int Right, double Mean);

    /// <summary>Grows trees on one training set, reusing its sort buffers across nodes and trees.</summary>
    internal sealed class Builder(double[][] x, double[] y, RandomForestOptions options, RandomStream random)
    {
        private readonly double[] _keys = new double[x.Length];
        private readonly int[] _order = new int[x.Length];
        private readonly int[] _features = [.. Enumerable.Range(0, x.Length == 0 ? 0 : x[0].Length)];
        private List<Node> _nodes = [];

        public RegressionTree Grow(int[] sample)
        {
            _nodes = [];
            var indices = (int[])sample.Clone();
            Split(indices, 0, indices.Length, 0);
            return new RegressionTree(_nodes);
        }

        /// <summary>Adds the node for indices[start, start + count) and, recursively, its subtree; returns its index.</summary>
        private int Split(int[] indices, int start, int count, int depth)
        {
            double sum = 0, sumOfSquares = 0;
            for (var i = start; i < start + count; i++)
            {
                sum += y[indices[i]];
                sumOfSquares += y[indices[i]] * y[indices[i]];
            }
            var mean = sum / count;
            var parentError = Math.Max(sumOfSquares - sum * sum / count, 0);
            var self = _nodes.Count;
            _nodes.Add(new Node(-1, 0, -1, -1, mean));
            if (count < options.MinSamplesSplit || count < 2 * options.MinSamplesLeaf || depth >= options.MaxDepth || parentError <= 1e-12 * Math.Max(sumOfSquares, 1e-300))
                return self;

            var (feature, threshold, error) = BestSplit(indices, start, count);
            if (feature < 0 || error >= parentError)
                return self;
            var middle = start;
            for (var i = start; i < start + count; i++)
            {
                if (x[indices[i]][feature] <= threshold)
                    (indices[i], indices[middle]) = (indices[middle++], indices[i]);
            }
            var left = Split(indices, start, middle - start, depth + 1);
            var right = Split(indices, middle, start + count - middle, depth + 1);
            _nodes[self] = _nodes[self] with { Feature = feature, Threshold = threshold, Left = left, Right = right };
            return self;
        }

        /// <summary>
        /// The split, over all features in random order (ties go to the first), with the least children's squared error;
        /// its threshold is uniform between the values either side (below the upper one, so the partition matches the scan).
        /// </summary>
        private (int Feature, double Threshold, double Error) BestSplit(int[] indices, int start, int count)
        {
            var minLeaf = options.MinSamplesLeaf;
            var best = (Feature: -1, Threshold: 0.0, Error: double.PositiveInfinity);
            random.Shuffle(_features);
            double totalSum = 0, totalSquares = 0;
            for (var i = start; i < start + count; i++)
            {
                totalSum += y[indices[i]];
                totalSquares += y[indices[i]] * y[indices[i]];
            }
            foreach (var feature in _features)
            {
                for (var i = 0; i < count; i++)
                {
                    _order[i] = indices[start + i];
                    _keys[i] = x[_order[i]][feature];
                }
                Array.Sort(_keys, _order, 0, count);
                if (_keys[0] == _keys[count - 1])
                    continue;
                double leftSum = 0, leftSquares = 0;
                for (var i = 0; i < count - minLeaf; i++)
                {
                    var v = y[_order[i]];
                    leftSum += v;
                    leftSquares += v * v;
                    var leftCount = i + 1;
                    if (leftCount < minLeaf || _keys[i] == _keys[i + 1])
                        continue;
                    var rightCount = count - leftCount;
                    var rightSum = totalSum - leftSum;
                    var error = leftSquares - leftSum * leftSum / leftCount + (totalSquares - leftSquares) - rightSum * rightSum / rightCount;
                    if (error < best.Error)
                    {
                        var threshold = _keys[i] + random.NextDouble() * (_keys[i + 1] - _keys[i]);
                        best = (feature, threshold < _keys[i + 1] ? threshold : _keys[i], error);
                    }
                }
            }
            return best;
        }
    }
}
