using Frugal.Core.Randomness;
using Frugal.Graph.Models;
using Frugal.Graph.Sampling;
using Frugal.Learning.Data;
using Frugal.Learning.Determinism;
using static TorchSharp.torch;

namespace Frugal.Graph.Tests;

public sealed class SamplingTests
{
    private static NeighborGraph RandomGraph(int nodes, int edges, Random random)
    {
        // Distinct undirected pairs, so a node's neighbours are distinct.
        var list = Enumerable.Range(0, edges).Select(_ => (random.Next(nodes), random.Next(nodes)))
            .Where(e => e.Item1 < e.Item2).Distinct().Select(e => new Triple(e.Item1, 0, e.Item2)).ToArray();
        return NeighborGraph.Build(nodes, list, v => v);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void DenseEqualsNaivePerLayerSamplingWithAllNeighbours(int layers)
    {
        var seeds = new SeedTree(5);
        DeterministicTorch.Configure(seeds);
        var graph = RandomGraph(200, 600, seeds.Stream("graph"));
        var fanouts = Enumerable.Repeat(Fanout.All, layers).ToArray();
        int[] targets = [3, 17, 42, 99, 150, 7];
        var dense = new DenseSampler(graph, fanouts).Sample(targets, seeds.Stream("a"));
        var naive = new NaiveSampler(graph, fanouts).Sample(targets, seeds.Stream("b"));
        Assert.True(dense.SampledNodes < naive.SampledNodes || layers == 1);
        using var features = randn(200, 8);
        using var model = new GraphSage([8, .. Enumerable.Repeat(16, layers - 1), 4], dropout: 0);
        model.eval();
        using var a = model.Forward(features.index_select(0, Index(dense.Rows)), dense);
        using var b = model.Forward(features.index_select(0, Index(naive.Rows)), naive);
        Assert.Equal([targets.Length, 4], a.shape);
        Assert.True(a.allclose(b, rtol: 0, atol: 1e-6), $"max difference {(a - b).abs().max().item<float>()}");
    }

    private static Tensor Index(int[] rows) => tensor(rows.Select(r => (long)r).ToArray(), ScalarType.Int64);

    [Fact]
    public void UniformFanoutSamplesDistinctNeighboursAndDenseSamplesEachNodeOnce()
    {
        var seeds = new SeedTree(6);
        var graph = RandomGraph(500, 5000, seeds.Stream("graph"));
        var sample = new DenseSampler(graph, [15, 10, 5]).Sample([1, 2, 3, 4, 5], seeds.Stream("s"));
        Assert.Equal(sample.Rows.Length, sample.Rows.Distinct().Count());
        var bottom = sample.Layers[0];
        for (var v = 0; v < bottom.Outputs; v++)
        {
            var mine = bottom.Src.Where((_, i) => bottom.Dst[i] == v).ToArray();
            Assert.Equal(mine.Length, mine.Distinct().Count());
            Assert.True(mine.Length <= 15);
        }
        var naive = new NaiveSampler(graph, [15, 10, 5]).Sample([1, 2, 3, 4, 5], seeds.Stream("s"));
        Assert.True(naive.SampledNodes > sample.SampledNodes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullGraphFromTheBucketsEqualsTheGraphOfAllEdges(bool selfLoops)
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Classification(folder, 8);
        var streamed = NeighborGraph.OfLayout(layout, selfLoops);
        var built = NeighborGraph.Build(layout.Meta.Nodes, layout.ReadAllEdges(), v => v, selfLoops);
        Assert.Equal(built.Offsets, streamed.Offsets);
        Assert.Equal(built.Neighbours, streamed.Neighbours);
        Assert.True(streamed.Bytes <= NeighborGraph.LayoutBytes(layout.Meta, selfLoops));
    }
}
