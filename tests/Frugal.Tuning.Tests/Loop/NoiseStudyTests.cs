using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Core.Statistics;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Synthetic;

namespace Frugal.Tuning.Tests.Loop;

/// <summary>The noise study's statistics on the synthetic target, whose injected noise is known (5%).</summary>
public sealed class NoiseStudyTests
{
    private static SyntheticTarget Noisy(ulong seed) =>
        new(new TargetOptions(Workload: "noisy-8"), new SeedTree(seed));

    private static NoiseStudyResult Study(int runs, int trials, double threshold = 0.05)
    {
        var created = 0ul;
        var space = Noisy(0).Function.Space;
        // The synthetic target has no run length: each "length" is a fresh target with its own noise.
        return NoiseStudy.Run(_ => Noisy(++created), space, [1.0, 0.5], runs, trials, threshold);
    }

    [Fact]
    public void EachRowHoldsEveryRunOfEveryTrialAndItsStatisticsAreThoseOfTheRuns()
    {
        var study = Study(runs: 7, trials: 3);
        Assert.Equal("synthetic", study.Target);
        Assert.Equal("score", study.Metric);
        Assert.Equal([1.0, 0.5], study.Rows.Select(r => r.DurationSeconds));
        foreach (var row in study.Rows)
        {
            Assert.Equal(3, row.Trials.Count);
            Assert.All(row.Trials, t => Assert.Equal(7, t.Count));
            Assert.Equal(Summary.Median([.. row.Trials.SelectMany(t => t)]), row.Median);
            var within = row.Trials.Select(t => Summary.StandardDeviation([.. t]) / Summary.Mean([.. t])).ToArray();
            Assert.Equal(Summary.Median(within), row.WithinCv, 12);
            var medians = row.Trials.Select(t => Summary.Median([.. t])).ToArray();
            Assert.Equal(Summary.StandardDeviation(medians) / Summary.Mean(medians), row.BetweenCv!.Value, 12);
        }
    }

    [Fact]
    public void TheInjectedNoiseIsFoundAndTheMedianOfManyRunsIsQuieterThanOneRun()
    {
        var study = Study(runs: 60, trials: 8);
        foreach (var row in study.Rows)
        {
            // 5% multiplicative noise; 60 runs estimate it within a fifth.
            Assert.InRange(row.WithinCv, 0.04, 0.06);
            // The median of 60 runs varies by about 1.25 × 5% / √60 ≈ 0.8%.
            Assert.InRange(row.BetweenCv!.Value, 0.002, 0.02);
        }
    }

    [Fact]
    public void TheShortestQuietLengthIsTheShortestWhoseTrialsAgreeOrNone()
    {
        // 60 runs of 5% noise: the runs within a trial are above a 3% threshold, the trials' medians (about 0.8%
        // apart) below it, and the medians are what the loop compares.
        var quiet = Study(runs: 60, trials: 8, threshold: 0.03);
        Assert.All(quiet.Rows, r => Assert.True(r.WithinCv > 0.03, $"within-trial CV {r.WithinCv}"));
        Assert.Equal(0.5, quiet.ShortestQuiet?.DurationSeconds);
        Assert.Null(Study(runs: 20, trials: 2, threshold: 0.0001).ShortestQuiet);
        Assert.Null(Study(runs: 20, trials: 1, threshold: 0.2).ShortestQuiet);
    }

    [Fact]
    public void ANoiselessTargetHasNoNoiseAndOneTrialNoBetweenTrialNoise()
    {
        var space = SyntheticFunction.Parse("sparse-8").Space;
        var study = NoiseStudy.Run(_ => new SyntheticTarget(new TargetOptions(Workload: "sparse-8"), new SeedTree(1)),
            space, [null], runs: 3, trials: 1);
        var row = Assert.Single(study.Rows);
        Assert.Null(row.DurationSeconds);
        Assert.Equal(0, row.WithinCv);
        Assert.Null(row.BetweenCv);
        Assert.DoesNotContain("betweenCv", study.ToJson());
    }

    [Theory]
    [InlineData(1, 1, 0.05, NoiseStudy.RunsSetting)]
    [InlineData(5, 0, 0.05, NoiseStudy.TrialsSetting)]
    [InlineData(5, 1, 0, NoiseStudy.ThresholdSetting)]
    [InlineData(5, 1, double.NaN, NoiseStudy.ThresholdSetting)]
    public void CountsAndThresholdOutOfRangeAreRefusedNamingTheSetting(int runs, int trials, double threshold,
        string setting)
    {
        var error = Assert.Throws<BadInputException>(() =>
            NoiseStudy.Run(_ => Noisy(1), Noisy(1).Function.Space, [1.0], runs, trials, threshold));
        Assert.Equal(setting, error.Setting);
    }

    [Fact]
    public void NoRunLengthIsRefused()
    {
        var error = Assert.Throws<BadInputException>(() => NoiseStudy.Run(_ => Noisy(1), Noisy(1).Function.Space, [],
            5, 1));
        Assert.Equal(NoiseStudy.DurationsSetting, error.Setting);
    }
}
