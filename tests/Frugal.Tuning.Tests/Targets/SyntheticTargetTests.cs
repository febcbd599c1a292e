using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Synthetic;

namespace Frugal.Tuning.Tests.Targets;

public sealed class SyntheticTargetTests
{
    [Fact]
    public void TheOptimalConfigurationReachesTheKnownOptimumWithZeroRegret()
    {
        using var target = new SyntheticTarget(new TargetOptions(Workload: "sparse-60"), new SeedTree(1));
        var best = target.Evaluate(target.Function.OptimalConfiguration(), default);
        Assert.False(best.Failed);
        Assert.Equal(target.Function.Optimum, best.Metrics["score"], 9);
        Assert.Equal(0, best.Metrics["regret"], 9);
        Assert.Equal(60, target.Function.Space.Knobs.Count);
        Assert.Equal(5, target.Function.Space.Knobs.Select(k => (k.Type, k.LogScale)).Distinct().Count());
    }

    [Fact]
    public void NoConfigurationBeatsTheOptimumAndOnlyFourKnobsMatter()
    {
        var function = SyntheticFunction.Parse("sparse-30");
        var adapter = TuningMethod.Parse("random").CreateAdapter(function.Space, new SeedTree(1));
        var random = new SeedTree(2).Stream("points");
        var optimal = function.OptimalConfiguration();
        for (var i = 0; i < 2000; i++)
        {
            var configuration = adapter.Decode([.. adapter.Dimensions.Select(_ => random.NextDouble())]);
            Assert.True(function.Score(configuration) <= function.Optimum + 1e-9);
            // Moving every ineffective knob leaves the score unchanged.
            var moved = new Dictionary<string, object>(optimal);
            foreach (var knob in function.Space.Knobs.Where(k => !function.EffectiveKnobs.Contains(k.Name))) moved[
                knob.Name] = configuration[knob.Name];
            Assert.Equal(function.Optimum, function.Score(moved), 9);
        }
        Assert.True(function.Score(function.Space.DefaultConfiguration()) < function.Optimum);
    }

    [Fact]
    public void TheSpecialValueBeatsEveryValueInTheRange()
    {
        var function = SyntheticFunction.Parse("sparse-30");
        var special = function.Space[function.EffectiveKnobs[3]];
        var configuration = new Dictionary<string, object>(function.OptimalConfiguration());
        var atSpecial = function.Score(configuration);
        for (var v = (long)special.Min; v <= special.Max; v += 997)
        {
            configuration[special.Name] = v;
            Assert.True(function.Score(configuration) < atSpecial);
        }
    }

    [Fact]
    public void ATopOfRangeLogKnobCrashesButTheDefaultRuns()
    {
        using var target = new SyntheticTarget(new TargetOptions(), new SeedTree(1));
        var function = target.Function;
        Assert.False(target.Evaluate(function.Space.DefaultConfiguration(), default).Failed);
        var crash = new Dictionary<string, object>(function.OptimalConfiguration())
        {
            [function.EffectiveKnobs[1]] = 1_000_000L,
        };
        Assert.True(target.Evaluate(crash, default).Failed);
    }

    [Fact]
    public void NoisyFunctionsVaryAroundTheScore()
    {
        using var target = new SyntheticTarget(new TargetOptions(Workload: "noisy-20"), new SeedTree(1));
        var scores =
            Enumerable.Range(0, 200)
            .Select(_ => target.Evaluate(target.Function.OptimalConfiguration(), default).Metrics["score"]).ToArray();
        Assert.InRange(scores.Average(), target.Function.Optimum * 0.98, target.Function.Optimum * 1.02);
        Assert.True(scores.Distinct().Count() > 100);
    }

    [Theory]
    [InlineData("sparse")]
    [InlineData("sparse-4")]
    [InlineData("smooth-50")]
    public void UnknownFunctionsAreRefused(string name)
    {
        var error = Assert.Throws<BadInputException>(() => SyntheticFunction.Parse(name));
        Assert.Equal(TargetOptions.WorkloadSetting, error.Setting);
        Assert.Contains($"'{name}'", error.Message);
        Assert.DoesNotContain("--", error.Message);
    }

    [Fact]
    public void RandomSearchGetsCloserToTheOptimumThanTheDefault()
    {
        var options = new TargetOptions(Workload: "sparse-30");
        using var target = new SyntheticTarget(options, new SeedTree(1));
        var outcome =
            Tuner.Run(target, new TuningPlan("synthetic", target.Function.Space, TuningMethod.Parse("random"), 60, 3));
        Assert.True(outcome.Best.Metrics["regret"] < outcome.Default.Metrics["regret"]);
        Assert.True(outcome.Best.Metrics["regret"] >= 0);
    }
}
