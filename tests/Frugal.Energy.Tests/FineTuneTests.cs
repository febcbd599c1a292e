using Frugal.Core.Randomness;
using Frugal.Energy.FineTuning;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Tests;

public sealed class FineTuneTests
{
    private static ReplayResult AppendixD(FineTuneClocks clocks)
    {
        var orin = SimulatedHardware.OrinLike;
        return FineTuneReplay.Run(orin, WorkloadProfile.Vision, orin.Grid.MaxClocks(16), FineTuneReplay.AppendixDSlo,
            FineTuneReplay.AppendixDStep, queued: 100, seconds: 60, new TimeSharing(), clocks, new RandomStream(5));
    }

    [Theory]
    [InlineData(FineTuneClocks.Keep, 8)]
    [InlineData(FineTuneClocks.Retune, 3)]
    public void AppendixDReplayRunsNothingUnder250MsAndStepsOneAtATimeUnder700(FineTuneClocks clocks, int minSteps)
    {
        var result = AppendixD(clocks);
        Assert.InRange(result.PredictedWorstMs, 420, 450); // L(1 + ρ) + k_ft ≈ 435 ms
        Assert.All(result.Steps, s => Assert.True(s.StartSeconds >= 30,
            $"step {s.Index} admitted at {s.StartSeconds:0.0} s"));
        Assert.True(result.Steps.Count >= minSteps, $"{result.Steps.Count} steps in the 700 ms half");
        for (var i = 1; i < result.Steps.Count; i++)
            Assert.True(result.Steps[i].StartSeconds >= result.Steps[i - 1].EndSeconds, "steps overlap");
        Assert.Equal(0, result.Violations);
        Assert.DoesNotContain(result.Batches, b => b.FineTuning && b.StartSeconds < 30);
        Assert.All(result.Steps, s => Assert.True(s.PredictedMs <= 700, $"step {s.Index} predicted {s.PredictedMs}"));
    }

    [Fact]
    public void RetunedStepsRunAtCheaperClocksThanInferenceAndInferenceClocksReturnAfterwards()
    {
        var keep = AppendixD(FineTuneClocks.Keep);
        var retune = AppendixD(FineTuneClocks.Retune);
        Assert.All(keep.Steps, s => Assert.Equal(keep.Config, s.Config));
        Assert.All(retune.Steps, s => Assert.NotEqual(retune.Config, s.Config));
        Assert.True(retune.EnergyPerQueryJ(true) < keep.EnergyPerQueryJ(true),
            $"retuned {retune.EnergyPerQueryJ(true):0.0000} J/query, kept {keep.EnergyPerQueryJ(true):0.0000}");
        // Between steps the inference configuration serves: the same energy per query either way.
        Assert.Equal(keep.EnergyPerQueryJ(false), retune.EnergyPerQueryJ(false), 9);
    }

    [Fact]
    public void TheMixPlanIsTheCheapestCandidateWhosePredictionMeetsTheSlo()
    {
        var orin = SimulatedHardware.OrinLike;
        var inference = orin.Grid.MaxClocks(16);
        var step = FineTuneReplay.AppendixDStep;
        var plan = CoRunPlanner.Plan(FineTuneClocks.Retune, orin, WorkloadProfile.Vision, inference, step,
            new TimeSharing(), 700, new RandomStream(9))!;
        // The same stream, candidates in the same order: the planner's own profiles.
        var random = new RandomStream(9);
        var all = orin.Grid.PhaseTwo(inference.CpuMHz).Select(c => CoRunPlanner.Evaluate(orin, WorkloadProfile.Vision,
            c, step, new TimeSharing(), random)).ToArray();
        var feasible = all.Where(p => p.PredictedWorstMs <= 700).ToArray();
        Assert.True(feasible.Length is > 1 and < 260, $"{feasible.Length} feasible candidates");
        Assert.Equal(feasible.MinBy(p => p.EnergyPerQueryJ), plan);
        Assert.Null(CoRunPlanner.Plan(FineTuneClocks.Retune, orin, WorkloadProfile.Vision, inference, step,
            new TimeSharing(), 100, new RandomStream(9)));
    }

    [Fact]
    public void PredictorRecoversALinearLatency()
    {
        var steps = Enumerable.Range(1, 6).Select(i => new FineTuneRequest(i, 2 * i + i % 2, 1 + i % 3, 4)).ToArray();
        var predictor = LatencyPredictor.Fit([.. steps.Select(s => (s,
            0.1 + 0.01 * s.ForwardGflop + 0.02 * s.BackwardGflop))]);
        Assert.Equal(0.1 + 0.01 * 10 + 0.02 * 7, predictor.Predict(new FineTuneRequest(10, 7, 2, 4)), 9);
    }
}
