using Frugal.Core.Randomness;
using Frugal.Graph.Orderings;

namespace Frugal.Graph.Tests;

public sealed class OrderingTests
{
    private static void AssertValid(EpochOrdering ordering, int p, int c)
    {
        var count = new int[p, p];
        for (var s = 0; s < ordering.States.Count; s++)
        {
            var state = ordering.States[s];
            Assert.True(state.Length <= c);
            Assert.Equal(state.Length, state.Distinct().Count());
            foreach (var (i, j) in ordering.Buckets[s])
            {
                Assert.Contains(i, state);
                Assert.Contains(j, state);
                count[i, j]++;
            }
        }
        foreach (var n in count) Assert.Equal(1, n);
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(16, 4)]
    [InlineData(32, 8)]
    [InlineData(5, 3)]
    public void BetaAssignsEveryBucketOnceAndSwapsOnePartitionAtATime(int p, int c)
    {
        for (ulong seed = 0; seed < 5; seed++)
        {
            var ordering = BufferOrderings.Beta(p, c, new SeedTree(seed).Stream("o"));
            AssertValid(ordering, p, c);
            for (var s = 1; s < ordering.States.Count; s++)
                Assert.Single(ordering.States[s].Except(ordering.States[s - 1]));
        }
    }

    [Theory]
    [InlineData(32, 8, 4)]
    [InlineData(16, 4, 2)]
    [InlineData(12, 6, 3)]
    public void CometAssignsEveryBucketOnce(int p, int c, int l)
    {
        for (ulong seed = 0; seed < 5; seed++)
            AssertValid(BufferOrderings.Comet(p, c, l, new SeedTree(seed).Stream("o")), p, c);
    }

    [Fact]
    public void CometSpreadsABucketUniformlyOverTheStatesThatHoldIt()
    {
        // For every bucket, which of its eligible states (by position among them) got it, across seeds: uniform
        // means each position equally often. Chi-square per number of eligible states k, summed.
        var counts = new Dictionary<int, long[]>();
        for (ulong seed = 0; seed < 300; seed++)
        {
            var ordering = BufferOrderings.Comet(8, 4, 2, new SeedTree(seed).Stream("o"));
            for (var i = 0; i < 8; i++)
                for (var j = 0; j < 8; j++)
                {
                    var eligible = Enumerable.Range(0, ordering.States.Count)
                        .Where(s => ordering.States[s].Contains(i) && ordering.States[s].Contains(j)).ToList();
                    if (eligible.Count < 2) continue;
                    if (!counts.TryGetValue(eligible.Count, out var positions))
                        counts[eligible.Count] = positions = new long[eligible.Count];
                    positions[eligible.FindIndex(s => ordering.Buckets[s].Contains((i, j)))]++;
                }
        }
        double chiSquare = 0;
        var freedom = 0;
        foreach (var positions in counts.Values)
        {
            var expected = positions.Sum() / (double)positions.Length;
            chiSquare += positions.Sum(n => (n - expected) * (n - expected) / expected);
            freedom += positions.Length - 1;
        }
        Assert.True(freedom >= 1);
        var critical = MathNet.Numerics.Distributions.ChiSquared.InvCDF(freedom, 0.999);
        Assert.True(chiSquare < critical,
            $"chi-square {chiSquare:0.00} over {freedom} degrees (critical {critical:0.00})");
    }

    [Fact]
    public void BetaGivesEachBucketToTheFirstStateThatHoldsIt()
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            var ordering = BufferOrderings.Beta(8, 4, new SeedTree(seed).Stream("o"));
            for (var i = 0; i < 8; i++)
                for (var j = 0; j < 8; j++)
                {
                    var first = Enumerable.Range(0, ordering.States.Count)
                        .First(s => ordering.States[s].Contains(i) && ordering.States[s].Contains(j));
                    Assert.Contains((i, j), ordering.Buckets[first]);
                }
        }
    }
}
