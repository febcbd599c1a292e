using Frugal.Core.Distributions;
using Frugal.Core.Randomness;
using Frugal.Core.Statistics;

namespace Frugal.Core.Tests;

public class StatisticsTests
{
    private static readonly double[] Values = [2, 4, 4, 4, 5, 5, 7, 9];

    [Fact]
    public void DescriptiveStatisticsMatchHandComputedValues()
    {
        Assert.Equal(5, Summary.Mean(Values), 12);
        Assert.Equal(32.0 / 7, Summary.Variance(Values), 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), Summary.StandardDeviation(Values), 12);
        Assert.Equal(4.5, Summary.Median(Values), 12);
        Assert.Equal(Math.Pow(2 * 4 * 4 * 4 * 5 * 5 * 7 * 9, 1.0 / 8), Summary.GeometricMean(Values), 10);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 1.75)]
    [InlineData(0.5, 2.5)]
    [InlineData(0.9, 3.7)]
    [InlineData(1.0, 4.0)]
    public void QuantilesInterpolateLikeRAndNumPy(double p, double expected)
    {
        // R: quantile(c(1, 2, 3, 4), p, type = 7)
        Assert.Equal(expected, Summary.Quantile([4, 1, 3, 2], p), 12);
    }

    [Fact]
    public void QuantilesAtOnceAgreeWithOneAtATime()
    {
        var qs = Summary.Quantiles(Values, 0.1, 0.5, 0.99);
        Assert.Equal([Summary.Quantile(Values, 0.1), Summary.Quantile(Values, 0.5), Summary.Quantile(Values, 0.99)],
            qs);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Summary.Mean([]));
        Assert.Throws<ArgumentException>(() => Summary.Variance([1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Summary.GeometricMean([1, 0, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Summary.Quantile([1, 2], 1.5));
    }

    [Fact]
    public void BootstrapIntervalsCoverTheTrueMeanAtAboutTheirLevel()
    {
        var tree = new SeedTree(10);
        var data = tree.Stream("data");
        var resampling = tree.Stream("bootstrap");
        var exponential = Exponential.WithMean(2);
        const int trials = 200;
        var covered = 0;
        for (var t = 0; t < trials; t++)
        {
            var sample = Enumerable.Range(0, 100).Select(_ => exponential.Sample(data)).ToArray();
            var interval = Bootstrap.ConfidenceInterval(sample, Summary.Mean, resampling, resamples: 500, level: 0.9);
            Assert.True(interval.Lower <= interval.Estimate && interval.Estimate <= interval.Upper);
            if (interval.Contains(2)) covered++;
        }
        // Nominal 90%; the percentile bootstrap under-covers a little on skewed data.
        Assert.InRange(covered / (double)trials, 0.8, 0.97);
    }

    [Fact]
    public void BootstrapIsDeterministicGivenItsStream()
    {
        double[] sample = [1, 5, 2, 8, 3, 9, 4];
        var a = Bootstrap.ConfidenceInterval(sample, Summary.Median, new RandomStream(3));
        var b = Bootstrap.ConfidenceInterval(sample, Summary.Median, new RandomStream(3));
        Assert.Equal(a, b);
    }

    [Fact]
    public void ChiSquarePoolsSparseCells()
    {
        // 1000 observations over 200 categories, most of them expecting < 5: pooled into fewer cells.
        var probabilities = Enumerable.Range(1, 200).Select(i => 1.0 / i).ToArray();
        var counts = new long[200];
        var law = new Categorical(probabilities);
        var random = new RandomStream(12);
        for (var i = 0; i < 1000; i++) counts[law.SampleIndex(random)]++;
        var fit = GoodnessOfFit.ChiSquare(counts, probabilities);
        Assert.InRange(fit.DegreesOfFreedom, 5, 100);
        Assert.True(fit.PValue > 0.001);
    }
}
