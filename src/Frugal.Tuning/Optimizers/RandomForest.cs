using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// The forest SMAC4HPO uses (LlamaTune's settings): 100 bootstrapped trees, every feature tried at every split.
/// </summary>
internal sealed record RandomForestOptions(int Trees = 100, int MinSamplesSplit = 2, int MinSamplesLeaf = 3,
    int MaxDepth = 1 << 20, bool Bootstrap = true);

/// <summary>
/// A random forest of regression trees, the surrogate of the <c>smac</c> optimiser. Built in-house because SMAC needs
/// every tree's prediction to form a predictive variance, and ML.NET's FastForest only exposes the forest's average.
/// Splits minimise the children's summed squared error (variance reduction); as in SMAC's pyrfr forest, the threshold
/// is drawn uniformly between the two consecutive distinct values it separates, so the forest's average interpolates
/// between observations instead of stepping at their midpoints. Discrete dimensions are ordinary ordered coordinates.
/// </summary>
internal sealed class RandomForest : ISurrogate
{
    private readonly RegressionTree[] _trees;

    private RandomForest(RegressionTree[] trees) => _trees = trees;

    /// <summary>
    /// Grows the forest; each tree draws its bootstrap sample and split tie-breaks from <paramref name="random"/>.
    /// </summary>
    public static RandomForest Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> values, RandomStream random,
        RandomForestOptions? options = null)
    {
        options ??= new RandomForestOptions();
        if (points.Count == 0 || points.Count != values.Count)
            throw new ArgumentException(
                $"a random forest needs as many values as points, at least one (got {points.Count} points, " +
                $"{values.Count} values)");
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
    /// The mean and the variance of the trees' predictions (their leaf means). SMAC configures its pyrfr forest the
    /// same
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
internal sealed class RandomForestFitter(RandomStream random, RandomForestOptions? options = null) : ISurrogateFitter
{
    public ISurrogate Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> values) =>
        RandomForest.Fit(points, values, random, options);
}

/// <summary>
/// One regression tree in flat arrays: node i splits on Feature[i] ≤ Threshold[i], or is a leaf when Feature[i] &lt; 0.
/// </summary>
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

    /// <summary>
    /// Grows trees on one training set. Every feature is sorted once per forest; a tree's sample then lists its
    /// points in that order per feature (duplicates from the bootstrap included), and each split partitions every
    /// list stably, so a node's range is sorted in every feature and finding splits never sorts again.
    /// </summary>
    internal sealed class Builder
    {
        private readonly double[][] _x;
        private readonly double[] _y;
        private readonly RandomForestOptions _options;
        private readonly RandomStream _random;
        private readonly int[][] _forestOrder; // per feature: point indices by increasing value
        private readonly int[][] _sorted;      // per feature: the tree's sample, node ranges sorted by that feature
        private readonly int[] _scratch;
        private readonly int[] _features;
        private readonly int[] _multiplicity;
        private List<Node> _nodes = [];

        public Builder(double[][] x, double[] y, RandomForestOptions options, RandomStream random)
        {
            (_x, _y, _options, _random) = (x, y, options, random);
            var dimensions = x[0].Length;
            _features = [.. Enumerable.Range(0, dimensions)];
            _forestOrder = [.. _features.Select(f => Enumerable.Range(0, x.Length).OrderBy(i => x[i][f]).ToArray())];
            _sorted = [.. _features.Select(_ => new int[x.Length])];
            _scratch = new int[x.Length];
            _multiplicity = new int[x.Length];
        }

        public RegressionTree Grow(int[] sample)
        {
            Array.Clear(_multiplicity);
            foreach (var i in sample)
                _multiplicity[i]++;
            foreach (var f in _features)
            {
                var at = 0;
                foreach (var i in _forestOrder[f])
                {
                    for (var m = 0; m < _multiplicity[i]; m++)
                        _sorted[f][at++] = i;
                }
            }
            _nodes = [];
            Split(0, sample.Length, 0);
            return new RegressionTree(_nodes);
        }

        /// <summary>
        /// Adds the node for the sample range [start, start + count) and, recursively, its subtree; returns its index.
        /// </summary>
        private int Split(int start, int count, int depth)
        {
            double sum = 0, sumOfSquares = 0;
            foreach (var i in _sorted[0].AsSpan(start, count))
            {
                sum += _y[i];
                sumOfSquares += _y[i] * _y[i];
            }
            var self = _nodes.Count;
            _nodes.Add(new Node(-1, 0, -1, -1, sum / count));
            var parentError = Math.Max(sumOfSquares - sum * sum / count, 0);
            if (count < _options.MinSamplesSplit || count < 2 * _options.MinSamplesLeaf || depth >= _options.MaxDepth
                || parentError <= 1e-12 * Math.Max(sumOfSquares, 1e-300))
                return self;

            var (feature, threshold, error, leftCount) = BestSplit(start, count, sum, sumOfSquares);
            if (feature < 0 || error >= parentError)
                return self;
            foreach (var f in _features)
                PartitionStably(_sorted[f].AsSpan(start, count), feature, threshold);
            var left = Split(start, leftCount, depth + 1);
            var right = Split(start + leftCount, count - leftCount, depth + 1);
            _nodes[self] = _nodes[self] with { Feature = feature, Threshold = threshold, Left = left, Right = right };
            return self;
        }

        /// <summary>Moves the points with x[feature] ≤ threshold to the front, keeping both parts' order.</summary>
        private void PartitionStably(Span<int> range, int feature, double threshold)
        {
            var left = 0;
            var right = 0;
            foreach (var i in range)
            {
                if (_x[i][feature] <= threshold)
                    range[left++] = i;
                else
                    _scratch[right++] = i;
            }
            _scratch.AsSpan(0, right).CopyTo(range[left..]);
        }

        /// <summary>
        /// The split, over all features in random order (ties go to the first), with the least children's squared
        /// error;
        /// its threshold is uniform between the values either side (below the upper one, so the partition matches the
        /// scan).
        /// </summary>
        private (int Feature, double Threshold, double Error, int LeftCount) BestSplit(int start, int count,
            double totalSum, double totalSquares)
        {
            var minLeaf = _options.MinSamplesLeaf;
            var best = (Feature: -1, Threshold: 0.0, Error: double.PositiveInfinity, LeftCount: 0);
            _random.Shuffle(_features);
            foreach (var feature in _features)
            {
                var order = _sorted[feature].AsSpan(start, count);
                if (_x[order[0]][feature] == _x[order[^1]][feature])
                    continue;
                double leftSum = 0, leftSquares = 0;
                for (var i = 0; i < count - minLeaf; i++)
                {
                    var v = _y[order[i]];
                    leftSum += v;
                    leftSquares += v * v;
                    var leftCount = i + 1;
                    var here = _x[order[i]][feature];
                    var next = _x[order[i + 1]][feature];
                    if (leftCount < minLeaf || here == next)
                        continue;
                    var rightCount = count - leftCount;
                    var rightSum = totalSum - leftSum;
                    var error =
                        leftSquares - leftSum * leftSum / leftCount + (totalSquares - leftSquares)
                        - rightSum * rightSum / rightCount;
                    if (error < best.Error)
                    {
                        var threshold = here + _random.NextDouble() * (next - here);
                        best = (feature, threshold < next ? threshold : here, error, leftCount);
                    }
                }
            }
            return best;
        }
    }
}
