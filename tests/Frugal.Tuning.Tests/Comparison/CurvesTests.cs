using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Comparison;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Tests.Comparison;

public sealed class CurvesTests
{
    private static TrialRecord Trial(int i, double value, bool failed = false) =>
        new(i, new Dictionary<string, object>(), null, new Dictionary<string, double>(), value, failed ? "x" : null, 0,
            DateTimeOffset.UnixEpoch);

    [Fact]
    public void BestSoFarIgnoresFailures()
    {
        TrialRecord[] trials = [Trial(0, 10), Trial(1, 8), Trial(2, 50, failed: true), Trial(3, 12), Trial(4, 11)];
        Assert.Equal([10, 10, 10, 12, 12], Curves.BestSoFar(trials, maximize: true));
        Assert.Equal([10, 8, 8, 8, 8], Curves.BestSoFar(trials, maximize: false));
    }

    [Fact]
    public void TheTrialsRatioDividesThePlainOptimisersTrialsByTheWrappedOnes()
    {
        double[] plain = [1, 2, 3, 3, 3, 3, 3, 3, 4, 4];     // reaches its best, 4, at trial 9
        double[] fast = [1, 4, 4, 4, 4, 4, 4, 4, 4, 4];      // reaches 4 at trial 2
        double[] slow = [1, 1, 1, 1, 1, 1, 1, 1, 1, 3.9];    // never reaches 4
        Assert.Equal(4.5, Curves.TrialsRatio(plain, fast, maximize: true));
        Assert.Null(Curves.TrialsRatio(plain, slow, maximize: true));
        Assert.Equal(1.0, Curves.TrialsRatio(plain, plain, maximize: true));
        Assert.Equal(2.0, Curves.TrialsRatio([5, 4, 3, 2], [5, 2, 2, 2], maximize: false));
        Assert.Equal(9, Curves.TrialsToReach(plain, 4, maximize: true));
    }

    [Fact]
    public void TheMedianRanksSeedsThatNeverReachedLowest()
    {
        Assert.Equal(2.0, MethodSummary.MedianWithMissingLowest([1.0, 2.0, 3.0]));
        Assert.Equal(2.5, MethodSummary.MedianWithMissingLowest([null, 2.0, 3.0, 9.0]));
        Assert.Equal(2.0, MethodSummary.MedianWithMissingLowest([null, 2.0, 3.0]));
        Assert.Null(MethodSummary.MedianWithMissingLowest([null, null, 3.0]));
        Assert.Null(MethodSummary.MedianWithMissingLowest([null, 2.0]));
    }

    [Fact]
    public void AComparisonGivesWrappedMethodsARatioAgainstTheirPlainOptimiser()
    {
        var options = new TargetOptions(Workload: "sparse-40");
        var space = TargetCatalog.Get("synthetic").DefaultSpace(options);
        var methods =
            new[] { "random", "llamatune-random", "hesbo-random" }.Select(m => TuningMethod.Parse(m)).ToArray();
        var plan = new ComparisonPlan("synthetic", options, space, methods, Iterations: 30, Seeds: 3);
        var comparison = TuningComparison.Run(plan, new SeedTree(4));
        var (runs, summaries) = (comparison.Runs, comparison.Summaries);
        Assert.Equal(9, runs.Count);
        // Seed by seed, each seed's methods back to back, so they share the machine's period.
        Assert.Equal(Enumerable.Range(0, 3).SelectMany(k => methods.Select(m => (m.Name, k))),
            runs.Select(r => (r.Method.Name, r.SeedIndex)));
        Assert.Equal(summaries.Select(s => s.MeanCurve),
            TuningComparison.Summarise(runs, maximize: true,
                new SeedTree(4).Stream("bootstrap"), new SeedTree(4).Stream("ratio-bootstrap"))
                .Select(s => s.MeanCurve));
        Assert.Null(summaries[0].Plain);
        Assert.All(summaries[0].RatioPerSeed, r => Assert.Null(r));
        foreach (var s in summaries.Skip(1))
        {
            Assert.Equal("random", s.Plain);
            Assert.Equal(3, s.RatioPerSeed.Length);
            for (var k = 0; k < 3; k++)
            {
                var plain = runs.Single(r => r.Method.Name == "random" && r.SeedIndex == k).Outcome.BestSoFar();
                var wrapped = runs.Single(r => r.Method == s.Method && r.SeedIndex == k).Outcome.BestSoFar();
                Assert.Equal(Curves.TrialsRatio(plain, wrapped, true), s.RatioPerSeed[k]);
            }
            Assert.Equal(31, s.MeanCurve.Length);
            Assert.All(s.Band, b => Assert.True(b.Lower <= b.Estimate && b.Estimate <= b.Upper));
        }
        // Every method starts from the same default on every seed.
        Assert.All(runs, r => Assert.Equal(runs[0].Outcome.Default.Value, r.Outcome.Default.Value));
    }
}
