using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;

namespace Frugal.Tuning.Tests.Optimizers;

public class LatinHypercubeTests
{
    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 16)]
    public void EveryStratumOfEveryContinuousDimensionHoldsExactlyOnePoint(int n, int dimensions)
    {
        var box = Enumerable.Range(0, dimensions).Select(d => new OptimizerDimension($"x{d}")).ToArray();
        var design = LatinHypercube.Design(box, n, new RandomStream(11));

        Assert.Equal(n, design.Length);
        for (var d = 0; d < dimensions; d++)
        {
            var strata = design.Select(p => (int)Math.Floor(p[d] * n)).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, n), strata);
        }
    }

    [Fact]
    public void DiscreteDimensionsStayOnTheirGridWithBalancedLevels()
    {
        OptimizerDimension[] box = [new("switch", 2), new("threads", 3), new("level", 7)];
        var design = LatinHypercube.Design(box, 10, new RandomStream(5));

        foreach (var (dimension, d) in box.Select((b, i) => (b, i)))
        {
            var levels = design.Select(p => p[d] * (dimension.Levels - 1)).ToArray();
            Assert.All(levels, l => Assert.Equal(Math.Round(l), l, 12));
            var counts = levels.GroupBy(l => Math.Round(l)).Select(g => g.Count()).ToArray();
            Assert.Equal(Math.Min(dimension.Levels, 10), counts.Length);
            Assert.True(counts.Max() - counts.Min() <= 1,
                $"{dimension.Name}: level counts {string.Join(", ", counts)}");
        }
    }

    [Fact]
    public void TheLhsOptimiserDrawsSuccessiveStratifiedBatches()
    {
        var optimizer = OptimizerCatalog.Create("lhs", [new("x"), new("y")], new RandomStream(3));
        var points = Enumerable.Range(0, 3 * LatinHypercubeSearch.BatchSize).Select(_ => optimizer.Suggest()).ToArray();

        foreach (var batch in points.Chunk(LatinHypercubeSearch.BatchSize))
        {
            for (var d = 0; d < 2; d++)
                Assert.Equal(Enumerable.Range(0, 10), batch.Select(p => (int)(p[d] * 10)).Order());
        }
        Assert.NotEqual(points[0], points[LatinHypercubeSearch.BatchSize]);
    }

    [Fact]
    public void ADesignOfNoPointsIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LatinHypercube.Design([new("x")], 0, new RandomStream(1)));
}
