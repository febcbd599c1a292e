using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Learning.Data;

namespace Frugal.Graph.Sources;

/// <summary>
/// A stochastic block model for node classification: K blocks are the classes; each of the N·d/2 edges picks a
/// uniform node and, with probability <paramref name="homophily"/>, a partner of the same class (otherwise any
/// node). Features are the class mean plus N(0, σ²I) noise, with σ large enough that features alone are only
/// weakly predictive, so the neighbourhood matters. Splits are arxiv-like: 54 % train, 18 % validation, 28 % test.
/// Everything follows from the seed tree; feature rows are drawn per node, so they can be written in any order.
/// </summary>
public sealed class StochasticBlockSource(int nodes, int classes, double degree, int features, SeedTree seeds,
    double homophily = 0.8, double noise = 1.0, double signal = 0.25) : GraphSource
{
    private readonly ulong _featureSeed = seeds.SeedOf("features");
    private readonly float[][] _means = Means(classes, features, seeds.Stream("means"), signal);
    private readonly int[] _split = Splits(nodes, seeds.Stream("splits"));

    /// <inheritdoc />
    public override GraphTask Task => GraphTask.NodeClassification;

    /// <inheritdoc />
    public override string Description =>
        $"synthetic-nc nodes={nodes} classes={classes} degree={degree} features={features}";

    /// <inheritdoc />
    public override int Nodes => nodes;

    /// <inheritdoc />
    public override int Features => features;

    /// <inheritdoc />
    public override int Classes => classes;

    private int ClassOf(int node) => node % classes;

    /// <inheritdoc />
    public override IEnumerable<Triple> TrainEdges()
    {
        var random = seeds.Stream("edges");
        var count = (long)(nodes * degree / 2);
        for (long i = 0; i < count; i++)
        {
            var u = random.Next(nodes);
            int v;
            if (random.NextDouble() < homophily)
            {
                var c = ClassOf(u);
                v = c + classes * random.Next((nodes - c + classes - 1) / classes);
            }
            else v = random.Next(nodes);
            if (u != v) yield return new Triple(u, 0, v);
        }
    }

    /// <inheritdoc />
    public override int[] Labels() => [.. Enumerable.Range(0, nodes).Select(ClassOf)];

    /// <inheritdoc />
    public override int[] SplitNodes(int split) => [.. Enumerable.Range(0, nodes).Where(v => _split[v] == split)];

    /// <inheritdoc />
    public override void FeatureRow(int node, Span<float> row)
    {
        var random = new RandomStream(_featureSeed ^ (0x9E3779B97F4A7C15UL * (ulong)(node + 1)));
        var mean = _means[ClassOf(node)];
        for (var k = 0; k < row.Length; k++) row[k] = mean[k] + (float)(noise * Gaussian(random));
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[][] Means(int classes, int features, RandomStream random, double signal)
    {
        if (classes < 2 || features < 1) throw new BadInputException("a synthetic classification graph needs at " +
            "least 2 classes and 1 feature");
        return [.. Enumerable.Range(0, classes).Select(_ =>
            Enumerable.Range(0, features).Select(_ => (float)(signal * Gaussian(random))).ToArray())];
    }

    private static int[] Splits(int nodes, RandomStream random)
    {
        if (nodes < 3) throw new BadInputException($"a synthetic graph needs at least 3 nodes, not {nodes}");
        var split = new int[nodes];
        for (var v = 0; v < nodes; v++)
        {
            var u = random.NextDouble();
            split[v] = u < 0.54 ? 0 : u < 0.72 ? 1 : 2;
        }
        return split;
    }
}

/// <summary>
/// A power-law multi-relational graph for link prediction (Chung–Lu): node i has weight (i+1)^(−1/(γ−1)), so
/// degrees follow a power law of exponent γ; each edge draws its source by weight and a uniform relation r;
/// with probability <paramref name="signal"/> its destination lies in community π_r(community of the source)
/// (a fixed random map per relation), otherwise it is drawn by weight anywhere, so DistMult has structure to learn.
/// Edges are split 90/5/5.
/// </summary>
public sealed class PowerLawSource(int nodes, long edges, int relations, SeedTree seeds, double gamma = 2.3,
    int communities = 16, double signal = 0.7) : GraphSource
{
    private readonly List<Triple>[] _held = [[], [], []];

    /// <inheritdoc />
    public override GraphTask Task => GraphTask.LinkPrediction;

    /// <inheritdoc />
    public override string Description => $"synthetic-lp nodes={nodes} edges={edges} relations={relations}";

    /// <inheritdoc />
    public override int Nodes => nodes;

    /// <inheritdoc />
    public override int Relations => relations;

    /// <inheritdoc />
    public override IEnumerable<Triple> TrainEdges()
    {
        if (nodes < communities * 2) throw new BadInputException($"a synthetic link graph needs at least " +
            $"{communities * 2} nodes, not {nodes}");
        var cumulative = new double[nodes];
        double total = 0;
        for (var i = 0; i < nodes; i++) cumulative[i] = total += Math.Pow(i + 1, -1 / (gamma - 1));
        var maps = new int[relations][];
        var mapRandom = seeds.Stream("relations");
        for (var r = 0; r < relations; r++)
        {
            maps[r] = [.. Enumerable.Range(0, communities)];
            mapRandom.Shuffle(maps[r]);
        }
        var random = seeds.Stream("edges");
        for (long e = 0; e < edges; e++)
        {
            var u = PickByWeight(cumulative, total, random);
            var r = random.Next(relations);
            var v = PickByWeight(cumulative, total, random);
            if (random.NextDouble() < signal)
            {
                // Move v into the target community, keeping its rank in the weight order (so degrees stay skewed).
                var moved = v - v % communities + maps[r][u % communities];
                v = moved < nodes ? moved : moved - communities;
            }
            var split = SyntheticSplit.Of(random.NextDouble());
            var edge = new Triple(u, r, v);
            if (split == 0) yield return edge;
            else _held[split].Add(edge);
        }
    }

    private static int PickByWeight(double[] cumulative, double total, RandomStream random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble() * total);
        return Math.Min(cumulative.Length - 1, i >= 0 ? i : ~i);
    }

    /// <inheritdoc />
    public override IEnumerable<Triple> SplitEdges(int split) => _held[split];
}
