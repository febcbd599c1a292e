using Frugal.Core.Randomness;
using Frugal.Core.Statistics;

namespace Frugal.Core.Tests;

public class RandomStreamTests
{
    [Fact]
    public void SameSeedGivesTheSameSequence()
    {
        var a = new RandomStream(7);
        var b = new RandomStream(7);
        for (var i = 0; i < 1000; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void DifferentSeedsGiveDifferentSequences()
    {
        var a = new RandomStream(7);
        var b = new RandomStream(8);
        Assert.NotEqual(Enumerable.Range(0, 10).Select(_ => a.NextUInt64()),
            Enumerable.Range(0, 10).Select(_ => b.NextUInt64()));
    }

    [Fact]
    public void NamedStreamsDoNotDependOnOtherConsumers()
    {
        var alone = new SeedTree(42).Stream("arrivals");
        var aloneValues = Enumerable.Range(0, 100).Select(_ => alone.NextDouble()).ToArray();

        var tree = new SeedTree(42);
        var other = tree.Stream("durations");
        for (var i = 0; i < 500; i++) other.NextDouble();
        _ = tree.Child("policy").Stream("tiebreak").NextDouble();
        var withOthers = tree.Stream("arrivals");
        Assert.Equal(aloneValues, Enumerable.Range(0, 100).Select(_ => withOthers.NextDouble()).ToArray());
    }

    [Fact]
    public void StreamsAreDeterminedByMasterSeedAndPath()
    {
        Assert.Equal(new SeedTree(1).SeedOf("x"), new SeedTree(1).SeedOf("x"));
        Assert.NotEqual(new SeedTree(1).SeedOf("x"), new SeedTree(2).SeedOf("x"));
        Assert.NotEqual(new SeedTree(1).SeedOf("x"), new SeedTree(1).SeedOf("y"));
        Assert.NotEqual(new SeedTree(1).Child("a").SeedOf("x"), new SeedTree(1).Child("b").SeedOf("x"));
        Assert.NotEqual(new SeedTree(1).Child("a").SeedOf("x"), new SeedTree(1).SeedOf("x"));
        Assert.Equal("a/b", new SeedTree(1).Child("a").Child("b").Path);
    }

    [Fact]
    public void StreamSeedsAreStableAcrossVersions()
    {
        // A changed derivation would silently change every recorded result: pin it.
        var first = new SeedTree(42).Stream("arrivals").NextUInt64();
        Assert.Equal(ExpectedFirstDraw, first);
    }

    // Recorded from this implementation; update only with a deliberate, announced change of derivation.
    private const ulong ExpectedFirstDraw = 5215291691315954908UL;

    [Fact]
    public void NamedStreamsAreUncorrelated()
    {
        var tree = new SeedTree(3);
        var a = tree.Stream("a");
        var b = tree.Stream("b");
        const int n = 100_000;
        var xs = new double[n];
        var ys = new double[n];
        for (var i = 0; i < n; i++) { xs[i] = a.NextDouble(); ys[i] = b.NextDouble(); }
        var correlation = MathNet.Numerics.Statistics.Correlation.Pearson(xs, ys);
        Assert.InRange(correlation, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
    }

    [Fact]
    public void BoundedIntegersAreUniformAndInRange()
    {
        var random = new RandomStream(11);
        var counts = new long[7];
        for (var i = 0; i < 70_000; i++) counts[random.Next(7)]++;
        var fit = GoodnessOfFit.ChiSquare(counts, Enumerable.Repeat(1.0 / 7, 7).ToArray());
        Assert.True(fit.PValue > 0.001, $"p = {fit.PValue}");
        for (var i = 0; i < 10_000; i++) Assert.InRange(random.NextInt64(-5, 5), -5, 4);
        Assert.Equal(3, random.Next(3, 3));
    }

    [Fact]
    public void DoublesLieInTheUnitInterval()
    {
        var random = new RandomStream(5);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.InRange(random.NextDouble(), 0, Math.BitDecrement(1.0)); // below 1: 1 - double.Epsilon rounds to 1
            var nonZero = random.NextDoubleNonZero();
            Assert.True(nonZero > 0 && nonZero <= 1);
        }
    }

    [Fact]
    public void FillsOddLengthByteBuffers()
    {
        var buffer = new byte[13];
        new RandomStream(9).NextBytes(buffer);
        Assert.Contains(buffer, b => b != 0);
    }
}
