using Frugal.Core.Distributions;
using Frugal.Core.Randomness;
using Frugal.Core.Statistics;

namespace Frugal.Core.Tests;

public class DistributionTests
{
    private const int N = 50_000;
    private const double Significance = 0.001;

    public static TheoryData<string> ContinuousNames =>
        ["uniform", "exponential", "normal", "lognormal", "lognormal-median"];

    private static IContinuousDistribution Continuous(string name) => name switch
    {
        "uniform" => new Uniform(-2, 5),
        "exponential" => Exponential.WithMean(3),
        "normal" => new Normal(10, 2.5),
        "lognormal" => new LogNormal(0.5, 1.2),
        "lognormal-median" => LogNormal.FromMedian(100, 2),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ContinuousNames))]
    public void ContinuousSamplesFitTheirCdf(string name)
    {
        var distribution = Continuous(name);
        var random = new SeedTree(1).Stream(name);
        var sample = Enumerable.Range(0, N).Select(_ => distribution.Sample(random)).ToArray();
        var fit = GoodnessOfFit.KolmogorovSmirnov(sample, distribution.Cdf);
        Assert.True(fit.Passes(Significance), $"{distribution.Name}: D = {fit.Statistic}, p = {fit.PValue}");
        // The sample moments agree with the analytic ones (to 5 standard errors).
        var standardError = Math.Sqrt(distribution.Variance / N);
        Assert.InRange(Summary.Mean(sample), distribution.Mean - 5 * standardError,
            distribution.Mean + 5 * standardError);
    }

    [Fact]
    public void TheKolmogorovSmirnovTestRejectsAWrongLaw()
    {
        var random = new RandomStream(2);
        var normal = new Normal(0, 1);
        var sample = Enumerable.Range(0, 5000).Select(_ => normal.Sample(random)).ToArray();
        Assert.True(GoodnessOfFit.KolmogorovSmirnov(sample, new Normal(0.1, 1).Cdf).PValue < 1e-4);
        Assert.True(GoodnessOfFit.KolmogorovSmirnov(sample, new Uniform(-3, 3).Cdf).PValue < 1e-6);
    }

    public static TheoryData<string> DiscreteNames =>
        ["categorical", "zipf-0", "zipf-0.99", "zipf-1", "zipf-2", "ycsb-0", "ycsb-0.5", "ycsb-0.99", "ycsb-0.999",
        "scrambled-0.99", "scrambled-0.8"];

    private static IDiscreteDistribution Discrete(string name) => name switch
    {
        "categorical" => new Categorical([5, 0, 3, 1.5, 0.5]),
        "zipf-0" => new Zipf(10, 109, 0),
        "zipf-0.99" => new Zipf(0, 999, 0.99),
        "zipf-1" => new Zipf(0, 499, 1),
        "zipf-2" => new Zipf(1, 300, 2),
        "ycsb-0" => new YcsbZipfian(0, 99, 0),
        "ycsb-0.5" => new YcsbZipfian(5, 504, 0.5),
        "ycsb-0.99" => new YcsbZipfian(0, 999, 0.99),
        "ycsb-0.999" => new YcsbZipfian(0, 199, 0.999),
        "scrambled-0.99" => new YcsbScrambledZipfian(0, 499, 0.99),
        "scrambled-0.8" => new YcsbScrambledZipfian(100, 399, 0.8),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(DiscreteNames))]
    public void DiscreteSamplesFitTheirLaw(string name)
    {
        var distribution = Discrete(name);
        var random = new SeedTree(1).Stream(name);
        var counts = new long[distribution.Max - distribution.Min + 1];
        for (var i = 0; i < N; i++)
        {
            var k = distribution.Sample(random);
            Assert.InRange(k, distribution.Min, distribution.Max);
            counts[k - distribution.Min]++;
        }
        var law = Enumerable.Range(0, counts.Length).Select(i => distribution.Probability(distribution.Min + i))
            .ToArray();
        Assert.Equal(1.0, law.Sum(), 1e-9);
        var fit = GoodnessOfFit.ChiSquare(counts, law);
        Assert.True(fit.Passes(Significance),
            $"{distribution.Name}: chi2 = {fit.Statistic} on {fit.DegreesOfFreedom} df, p = {fit.PValue}");
    }

    [Fact]
    public void TheChiSquareTestRejectsAWrongLaw()
    {
        var random = new RandomStream(4);
        var zipf = new Zipf(0, 99, 0.9);
        var counts = new long[100];
        for (var i = 0; i < 20_000; i++) counts[zipf.Sample(random)]++;
        var wrong = Enumerable.Range(0, 100).Select(i => new Zipf(0, 99, 0.8).Probability(i)).ToArray();
        Assert.True(GoodnessOfFit.ChiSquare(counts, wrong).PValue < 1e-6);
    }

    [Fact]
    public void ZetaMatchesYcsbsPrecomputedConstant()
    {
        // YCSB's ScrambledZipfianGenerator hard-codes zeta(10^10, 0.99).
        Assert.Equal(26.46902820178302, Zeta.PartialSum(10_000_000_000L, 0.99), 1e-9);
        Assert.Equal(Enumerable.Range(1, 20_000).Sum(i => 1.0 / i), Zeta.PartialSum(20_000, 1), 1e-10);
        Assert.Equal(Math.PI * Math.PI / 6, Zeta.PartialSum(100_000_000, 2), 1e-7);
    }

    [Fact]
    public void YcsbZipfianLawIsExactlyTheMeasureOfItsInversion()
    {
        // Push a fine grid of uniform draws through YCSB's formula: the fraction mapped to ranks
        // ≤ r must equal the derived CDF up to the grid's resolution.
        var zipfian = new YcsbZipfian(0, 49, 0.99);
        const int grid = 1_000_000;
        var counts = new long[50];
        for (var i = 0; i < grid; i++) counts[zipfian.SampleRank((i + 0.5) / grid)]++;
        double cumulative = 0;
        for (var r = 0; r < 50; r++)
        {
            cumulative += counts[r] / (double)grid;
            Assert.Equal(zipfian.RankCdf(r), cumulative, 1e-5);
        }
    }

    [Fact]
    public void YcsbZipfianDiffersFromTheIdealLawOnlySlightly()
    {
        var ycsb = new YcsbZipfian(0, 999, 0.99);
        var ideal = new Zipf(0, 999, 0.99);
        Assert.Equal(ideal.Probability(0), ycsb.Probability(0), 1e-12);
        Assert.Equal(ideal.Probability(1), ycsb.Probability(1), 1e-12);
        var tv = GoodnessOfFit.TotalVariation(
            Enumerable.Range(0, 1000).Select(i => ycsb.Probability(i)).ToArray(),
            Enumerable.Range(0, 1000).Select(i => ideal.Probability(i)).ToArray());
        Assert.InRange(tv, 1e-4, 0.05);
    }

    [Theory]
    [InlineData(0L, 6284781860667377211UL)]
    [InlineData(1L, 8517097267634966620UL)]
    [InlineData(42L, 55488592825689361UL)]
    [InlineData(123456789L, 2350796791908741607UL)]
    [InlineData(9999999999L, 3605131173811637474UL)]
    public void FnvHashMatchesYcsb(long value, ulong expected)
    {
        // Values computed with YCSB's own Utils.fnvhash64 (Java).
        Assert.Equal(expected, YcsbScrambledZipfian.FnvHash64(value));
    }

    [Fact]
    public void ScrambledZipfianSpreadsPopularItemsAcrossTheKeySpace()
    {
        var scrambled = new YcsbScrambledZipfian(0, 9999);
        var hottest = Enumerable.Range(0, 20).Select(r => scrambled.ItemOfRank(r)).ToArray();
        Assert.True(hottest.Distinct().Count() >= 19);
        Assert.True(hottest.Max() - hottest.Min() > 5000,
            "the hottest items should not cluster at the start of the key space");
    }

    [Fact]
    public void AliasTableGivesZeroWeightCategoriesNoMass()
    {
        var categorical = new Categorical([1, 0, 1]);
        var random = new RandomStream(6);
        for (var i = 0; i < 10_000; i++) Assert.NotEqual(1, categorical.SampleIndex(random));
    }

    [Fact]
    public void DirichletSamplesLieOnTheSimplexAndFitBetaMarginals()
    {
        var dirichlet = new Dirichlet([0.5, 2, 4, 1]);
        var random = new RandomStream(8);
        var samples = Enumerable.Range(0, 20_000).Select(_ => dirichlet.Sample(random)).ToArray();
        foreach (var p in samples)
        {
            Assert.Equal(1.0, p.Sum(), 1e-9);
            Assert.All(p, x => Assert.InRange(x, 0, 1));
        }
        for (var d = 0; d < dirichlet.Dimension; d++)
        {
            var dimension = d;
            var fit = GoodnessOfFit.KolmogorovSmirnov(samples.Select(p => p[dimension]).ToArray(), x =>
                dirichlet.MarginalCdf(dimension, x));
            Assert.True(fit.Passes(Significance / dirichlet.Dimension), $"marginal {d}: p = {fit.PValue}");
        }
        Assert.Equal([0.5 / 7.5, 2 / 7.5, 4 / 7.5, 1 / 7.5], dirichlet.Mean);
    }

    [Fact]
    public void InvalidParametersAreRejectedWithTheirName()
    {
        Assert.Contains("rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Exponential(0)).Message);
        Assert.Contains("standardDeviation",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Normal(0, -1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Uniform(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogNormal(0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new YcsbZipfian(0, 10, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Zipf(5, 4, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Zipf(0, 4, -1));
        Assert.Throws<ArgumentException>(() => new Categorical([0, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Categorical([1, -1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dirichlet([1, 0]));
    }

    [Fact]
    public void SingleItemZipfAlwaysReturnsThatItem()
    {
        var random = new RandomStream(1);
        Assert.Equal(7, new Zipf(7, 7, 0.99).Sample(random));
        Assert.Equal(7, new YcsbZipfian(7, 7, 0.99).Sample(random));
        Assert.Equal(1.0, new YcsbZipfian(7, 7, 0.99).Probability(7));
    }
}
