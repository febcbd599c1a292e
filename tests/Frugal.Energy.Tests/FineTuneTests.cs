using Frugal.Core.Randomness;
using Frugal.Energy.FineTuning;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Tests;

public sealed class FineTuneTests
{
    [Fact]
    public void AppendixDReplayRunsNothingUnder250MsAndStepsOneAtATimeUnder700()
    {
        var orin = SimulatedHardware.OrinLike;
        var result = FineTuneReplay.Run(orin, WorkloadProfile.Vision, orin.Grid.MaxClocks(16),
            FineTuneReplay.AppendixDSlo,
            FineTuneReplay.AppendixDStep, queued: 100, seconds: 60, new TimeSharing(), new RandomStream(5));
        Assert.InRange(result.PredictedWorstMs, 420, 450); // L(1 + ρ) + k_ft ≈ 435 ms
        Assert.All(result.Steps, s => Assert.True(s.StartSeconds >= 30,
            $"step {s.Index} admitted at {s.StartSeconds:0.0} s"));
        Assert.True(result.Steps.Count >= 8, $"{result.Steps.Count} steps in the 700 ms half");
        for (var i = 1; i < result.Steps.Count; i++)
            Assert.True(result.Steps[i].StartSeconds >= result.Steps[i - 1].EndSeconds, "steps overlap");
        Assert.Equal(0, result.Violations);
        Assert.DoesNotContain(result.Batches, b => b.FineTuning && b.StartSeconds < 30);
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
