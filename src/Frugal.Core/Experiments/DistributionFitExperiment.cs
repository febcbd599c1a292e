using Frugal.Core.Distributions;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Core.Statistics;

namespace Frugal.Core.Experiments;

/// <summary>
/// The core's self-check: draws from every generator the components build their workloads from
/// and tests each sample against the generator's analytic law, Kolmogorov–Smirnov for continuous
/// laws and chi-square for discrete ones. A generator that drifts from its law fails here before
/// it can skew a component's results.
/// </summary>
public sealed class DistributionFitExperiment : IExperiment
{
    /// <summary>A generator fails when its sample is this unlikely under its own law.</summary>
    public const double Significance = 0.001;

    private const int ZipfItems = 1000;

    /// <inheritdoc/>
    public string Name => "core.distributions";
    /// <inheritdoc/>
    public string Title => "Random generators against their analytic laws";
    /// <inheritdoc/>
    public string Description =>
        "Samples every distribution generator in Frugal.Core and tests the sample against the generator's analytic " +
            "law " +
        "(Kolmogorov–Smirnov for continuous laws, Pearson chi-square for discrete ones).";

    private sealed record FitCheck(string Distribution, FitTest Test, int Samples, Chart Chart);

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context)
    {
        var samples = context.Quick ? 20_000 : 200_000;
        var cases = Cases();
        var checks = new List<FitCheck>();
        for (var i = 0; i < cases.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var (key, check) = cases[i];
            checks.Add(check(context.Seeds.Stream(key), samples));
            context.ReportProgress((i + 1.0) / cases.Count);
        }

        var passed = checks.Count(c => c.Test.Passes(Significance));
        var ycsb = new YcsbZipfian(0, ZipfItems - 1, YcsbZipfian.DefaultTheta);
        var ideal = new Zipf(0, ZipfItems - 1, YcsbZipfian.DefaultTheta);
        var gap = GoodnessOfFit.TotalVariation(Law(ycsb), Law(ideal));

        var result = context.NewResult(this)
            .WithParameter("samples_per_generator", samples)
            .WithParameter("significance", Significance)
            .WithMetric("generators", checks.Count)
            .WithMetric("passed", passed)
            .WithMetric("smallest_p_value", checks.Min(c => c.Test.PValue))
            .WithMetric("ycsb_zipfian_tv_to_ideal_zipf", gap);
        result.Summary =
            $"{passed} of {checks.Count} generators are consistent with their analytic law at significance " +
            $"{Significance}. " +
                         $"YCSB's zipfian generator (θ = 0.99, {ZipfItems} items) is, by design, {gap:P2} in total " +
                             $"variation from the ideal Zipf law.";

        var table = new RecordTable("fits", [
            new Column("distribution", ColumnKind.Text), new Column("test", ColumnKind.Text), new Column("statistic"),
            new Column("p_value"), new Column("degrees_of_freedom"), new Column("samples"),
                new Column("verdict", ColumnKind.Text),
        ]);
        foreach (var c in checks)
            table.Add(c.Distribution, c.Test.Test, c.Test.Statistic, c.Test.PValue,
                c.Test.DegreesOfFreedom > 0 ? c.Test.DegreesOfFreedom : null, c.Samples,
                c.Test.Passes(Significance) ? "pass" : "FAIL");
        result.Records.Add(table);
        result.Charts.AddRange(checks.Select(c => c.Chart));
        return result;
    }

    private static List<(string Key, Func<RandomStream, int, FitCheck> Check)> Cases() =>
    [
        ("uniform", (r, n) => Continuous("uniform", new Uniform(0, 1), r, n)),
        ("exponential", (r, n) => Continuous("exponential", Exponential.WithMean(2), r, n)),
        ("normal", (r, n) => Continuous("normal", new Normal(0, 1), r, n)),
        ("lognormal", (r, n) => Continuous("lognormal", new LogNormal(1, 0.75), r, n)),
        ("categorical", (r, n) => CategoricalFit(new Categorical([0.6, 0.3, 0.09, 0.01]), r, n)),
        ("zipf-0.99", (r, n) => RankFrequency("zipf-0.99", new Zipf(0, ZipfItems - 1, 0.99), r, n)),
        ("zipf-1.5", (r, n) => RankFrequency("zipf-1.5", new Zipf(0, ZipfItems - 1, 1.5), r, n)),
        ("ycsb-zipfian-0.99", (r, n) =>
            RankFrequency("ycsb-zipfian-0.99", new YcsbZipfian(0, ZipfItems - 1, 0.99), r, n)),
        ("ycsb-zipfian-0.5", (r, n) => RankFrequency("ycsb-zipfian-0.5", new YcsbZipfian(0, ZipfItems - 1, 0.5), r, n)),
        ("ycsb-scrambled-0.99", (r, n) =>
            RankFrequency("ycsb-scrambled-0.99", new YcsbScrambledZipfian(0, ZipfItems - 1, 0.99), r, n)),
        ("dirichlet", (r, n) => DirichletFit(new Dirichlet([1, 2, 3]), r, n)),
    ];

    private static FitCheck Continuous(string key, IContinuousDistribution distribution, RandomStream random, int n)
    {
        var sample = new double[n];
        for (var i = 0; i < n; i++) sample[i] = distribution.Sample(random);
        var test = GoodnessOfFit.KolmogorovSmirnov(sample, distribution.Cdf);
        Array.Sort(sample);
        var (x, empirical) = CdfPoints(sample);
        var chart = new Chart(key, ChartKind.Line, $"{distribution.Name}: empirical vs analytic CDF", "x", "P(X ≤ x)",
            [new Series("empirical", x, empirical), new Series("analytic", x, x.Select(distribution.Cdf).ToArray())]);
        return new FitCheck(distribution.Name, test, n, chart);
    }

    private static FitCheck CategoricalFit(Categorical distribution, RandomStream random, int n)
    {
        var counts = Count(distribution, random, n);
        var categories =
            Enumerable.Range(0, distribution.Count)
            .Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var chart =
            new Chart("categorical", ChartKind.Bar, $"{distribution.Name}: observed vs expected frequency", "category",
            "frequency",
            [new Series("observed", [], counts.Select(c => (double)c / n).ToArray()),
                new Series("expected", [], distribution.Probabilities.ToArray())])
            { Categories = categories };
        return new FitCheck(distribution.Name, GoodnessOfFit.ChiSquare(counts, distribution.Probabilities), n, chart);
    }

    /// <summary>A popularity law: chi-square over items, and a log-log plot of frequency by popularity rank.</summary>
    private static FitCheck RankFrequency(string key, IDiscreteDistribution distribution, RandomStream random, int n)
    {
        var counts = Count(distribution, random, n);
        var law = Law(distribution);
        var test = GoodnessOfFit.ChiSquare(counts, law);
        // Rank items by their expected popularity, so that scrambled keys plot as a Zipf curve too.
        var byPopularity = Enumerable.Range(0, law.Length).OrderByDescending(i => law[i]).ToArray();
        var ranks = byPopularity.Select((_, r) => r + 1.0).ToArray();
        var chart =
            new Chart(key, ChartKind.Line, $"{distribution.Name}: frequency by popularity rank", "rank", "frequency",
            [new Series("observed", ranks, byPopularity.Select(i => (double)counts[i] / n).ToArray()),
             new Series("analytic", ranks, byPopularity.Select(i => law[i]).ToArray())])
            { LogX = true, LogY = true };
        return new FitCheck(distribution.Name, test, n, chart);
    }

    /// <summary>Each Dirichlet marginal is tested against its Beta law; Bonferroni combines the p-values.</summary>
    private static FitCheck DirichletFit(Dirichlet distribution, RandomStream random, int n)
    {
        var marginals = new double[distribution.Dimension][];
        for (var d = 0; d < marginals.Length; d++) marginals[d] = new double[n];
        for (var i = 0; i < n; i++)
        {
            var p = distribution.Sample(random);
            for (var d = 0; d < p.Length; d++) marginals[d][i] = p[d];
        }
        var tests =
            marginals.Select((m, d) => GoodnessOfFit.KolmogorovSmirnov(m, x => distribution.MarginalCdf(d, x)))
            .ToArray();
        var combined = new FitTest("Kolmogorov-Smirnov per marginal (Bonferroni)", tests.Max(t => t.Statistic),
            Math.Min(1, tests.Length * tests.Min(t => t.PValue)));

        var series = new List<Series>();
        for (var d = 0; d < marginals.Length; d++)
        {
            Array.Sort(marginals[d]);
            var (x, empirical) = CdfPoints(marginals[d]);
            var dimension = d;
            series.Add(new Series($"p{d} empirical", x, empirical));
            series.Add(
                new Series($"p{d} Beta law", x, x.Select(v => distribution.MarginalCdf(dimension, v)).ToArray()));
        }
        var chart =
            new Chart("dirichlet", ChartKind.Line, $"{distribution.Name}: marginal CDFs", "p", "P(p_i ≤ p)", series);
        return new FitCheck(distribution.Name, combined, n, chart);
    }

    private static long[] Count(IDiscreteDistribution distribution, RandomStream random, int n)
    {
        var counts = new long[distribution.Max - distribution.Min + 1];
        for (var i = 0; i < n; i++) counts[distribution.Sample(random) - distribution.Min]++;
        return counts;
    }

    private static double[] Law(IDiscreteDistribution distribution)
    {
        var law = new double[distribution.Max - distribution.Min + 1];
        for (var k = 0; k < law.Length; k++) law[k] = distribution.Probability(distribution.Min + k);
        return law;
    }

    /// <summary>About 200 points of the empirical CDF of a sorted sample: (x, fraction of the sample ≤ x).</summary>
    private static (double[] X, double[] Y) CdfPoints(double[] sorted)
    {
        const int points = 200;
        var indices =
            Enumerable.Range(0, points).Select(j => (int)Math.Round(j * (sorted.Length - 1.0) / (points - 1)))
            .Distinct().ToArray();
        return (indices.Select(i => sorted[i]).ToArray(), indices.Select(i => (i + 1.0) / sorted.Length).ToArray());
    }
}
