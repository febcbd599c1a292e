using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Tests;

public sealed class TunerTests
{
    private static readonly SimulatedHardware Orin = SimulatedHardware.OrinLike;

    [Fact]
    public async Task NoiseFreeTuningFindsTheGridOptimumWithinItsBudget()
    {
        using var device = new SimulatedDevice(Orin, MeasurementNoise.None, new RandomStream(1));
        var plan = new TuningPlan("vision", 100, Budget: 20);
        var result = await TwoPhaseTuner.RunAsync(device, plan, new SeedTree(7));
        var optimum = GridSearch.Run(Orin, WorkloadProfile.Vision, 100);
        Assert.Equal(1220, result.CpuMHz);
        Assert.InRange(result.SearchSamples.Count, 4, 20);
        var point = PerformanceModel.Evaluate(Orin, WorkloadProfile.Vision, result.Recommended);
        Assert.True(point.LatencySeconds * 1e3 <= 100, $"{result.Recommended} misses the SLO");
        Assert.InRange(point.EnergyPerQueryJ / optimum.EnergyJ - 1, 0, 0.05);
        Assert.Equal(result.SearchSamples.Count, result.Incumbents.Count);
        Assert.Equal(7 * 3, result.Samples.Count(s => s.Phase == TuningPhase.Cpu));
        Assert.Equal(result.Samples.Count * 10 + 0, result.VirtualSeconds - ClockChanges(result), 9);
        // The first phase-2 sample is max clocks at batch 1.
        Assert.Equal(Orin.Grid.MaxClocks(1) with { CpuMHz = 1220 }, result.SearchSamples[0].Config);
    }

    [Fact]
    public async Task SameSeedSameRun()
    {
        async Task<string> Run()
        {
            using var device = new SimulatedDevice(Orin, MeasurementNoise.Default, new RandomStream(3));
            var result = await TwoPhaseTuner.RunAsync(device, new TuningPlan("language", 50, Budget: 12),
                new SeedTree(3));
            return string.Join(";", result.Samples.Select(s => $"{s.Config}:{s.Measurement.EnergyPerQueryJ:R}"));
        }
        Assert.Equal(await Run(), await Run());
    }

    [Fact]
    public void HarnessScoresAgainstTheGridAndBeatsRandomSearch()
    {
        var summary = ValidationHarness.Run(Orin, new ValidationCase("vision", 100, 20), 4, MeasurementNoise.Default,
            new SeedTree(11));
        Assert.Equal(4, summary.Runs.Count);
        Assert.True(summary.FeasibleShare >= 0.75, $"feasible share {summary.FeasibleShare}");
        Assert.True(summary.MedianRegret <= 0.05, $"median regret {summary.MedianRegret}");
        Assert.True(summary.MedianRegret <= summary.RandomMedianRegret,
            $"{summary.MedianRegret} vs random {summary.RandomMedianRegret}");
        Assert.All(summary.Runs, r => Assert.Equal(r.IncumbentRegret.Length, Math.Min(20, r.IncumbentRegret.Length)));
    }

    [Fact]
    public void AnSloBelowTheFastestConfigurationIsRefusedWithThatLatency()
    {
        var e = Assert.Throws<BadInputException>(() => new TuningPlan("vision", 5).Check(Orin));
        Assert.Contains("12.0 ms", e.Message);
        Assert.Equal(TuningPlan.SloSetting, e.Setting);
        new TuningPlan("vision", 12.5).Check(Orin);
        Assert.Throws<UnknownNameException>(() => new TuningPlan("audio", 50).Check(Orin));
        Assert.Throws<UnknownNameException>(() => SimulatedHardware.Catalog.Get("xavier"));
    }

    private static double ClockChanges(TwoPhaseResult result)
    {
        var changes = 0;
        var current = Orin.Grid.MaxClocks(1);
        foreach (var s in result.Samples)
        {
            if (s.Config with { Batch = 1 } != current with { Batch = 1 }) changes++;
            current = s.Config;
        }
        return changes * SimulatedDevice.ClockChangeSeconds;
    }
}
