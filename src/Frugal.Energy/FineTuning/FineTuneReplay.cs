using Frugal.Core.Randomness;
using Frugal.Energy.Devices;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.FineTuning;

/// <summary>A change of the latency SLO at a time of the replay.</summary>
public sealed record SloChange(double AtSeconds, double SloMs);

/// <summary>One inference batch of a replay: when it started, the SLO then, its latency, whether a fine-tuning step
/// was running, and the energy it cost (the device's power over the batch, fine-tuning included).</summary>
public sealed record ReplayBatch(
    double StartSeconds, double SloMs, double LatencyMs, bool FineTuning, int Queries, double EnergyJ);

/// <summary>One fine-tuning step of a replay: when it was admitted, when it signalled completion, the clocks it ran
/// at and the worst-case latency predicted there.</summary>
public sealed record ReplayStep(
    int Index, double StartSeconds, double EndSeconds, HardwareConfig Config, double PredictedMs);

/// <summary>What a replay did: every batch, every admitted step, and how often the SLO was missed.</summary>
public sealed record ReplayResult(
    HardwareConfig Config, IReadOnlyList<SloChange> Slo, IReadOnlyList<ReplayBatch> Batches,
    IReadOnlyList<ReplayStep> Steps, double PredictedWorstMs)
{
    /// <summary>Batches whose latency exceeded the SLO in force when they started.</summary>
    public int Violations => Batches.Count(b => b.LatencyMs > b.SloMs);

    /// <summary>Energy per query over the batches served while fine-tuning ran (or did not); NaN if there were
    /// none.</summary>
    public double EnergyPerQueryJ(bool fineTuning)
    {
        var served = Batches.Where(b => b.FineTuning == fineTuning).ToArray();
        return served.Length > 0 ? served.Sum(b => b.EnergyJ) / served.Sum(b => b.Queries) : double.NaN;
    }
}

/// <summary>
/// Fine-tuning alongside inference on the simulated device (design §4, App. D): inference batches run back to back; a
/// queued fine-tuning step is admitted only if the predicted worst-case latency meets the SLO in force, and one step
/// runs at a time, the next after the previous completes. With <see cref="FineTuneClocks.Retune"/> a step runs at the
/// cheapest clocks for the mix that meet the SLO (<see cref="CoRunPlanner"/>), and the inference clocks return
/// after it.
/// </summary>
public static class FineTuneReplay
{
    /// <summary>Replays <paramref name="seconds"/> of inference at <paramref name="config"/> with <paramref
    /// name="queued"/> steps waiting.</summary>
    public static ReplayResult Run(SimulatedHardware hardware, WorkloadProfile profile, HardwareConfig config,
        IReadOnlyList<SloChange> slo, FineTuneRequest step, int queued, double seconds, TimeSharing sharing,
        FineTuneClocks clocks, RandomStream random)
    {
        var alone = PerformanceModel.Evaluate(hardware, profile, config);
        var predictedHere = CoRunPlanner.Evaluate(hardware, profile, config, step, sharing, random).PredictedWorstMs;
        // One plan per SLO level: the SLO changes rarely, and profiling every candidate is the expensive part.
        var plans = new Dictionary<double, CoRunPlan?>();
        var batches = new List<ReplayBatch>();
        var steps = new List<ReplayStep>();
        var t = 0.0;
        CoRunPlan? running = null;
        var runningUntil = 0.0;
        while (t < seconds)
        {
            var sloMs = slo.Last(c => c.AtSeconds <= t).SloMs;
            if (running is not null && t >= runningUntil) running = null;
            if (running is null && steps.Count < queued)
            {
                if (!plans.TryGetValue(sloMs, out var plan))
                    plans[sloMs] = plan = CoRunPlanner.Plan(clocks, hardware, profile, config, step, sharing, sloMs,
                        random);
                if (plan is not null)
                {
                    running = plan;
                    runningUntil = t + sharing.StepSeconds(step, plan.Config.GpuMHz);
                    steps.Add(new ReplayStep(steps.Count + 1, t, runningUntil, plan.Config, plan.PredictedWorstMs));
                }
            }
            batches.Add(running is null
                ? new ReplayBatch(t, sloMs, alone.LatencySeconds * 1e3, false, config.Batch,
                    alone.PowerW * alone.LatencySeconds)
                : SharedBatch(hardware, profile, running.Config, step, sharing, t, sloMs, random));
            t += batches[^1].LatencyMs / 1e3;
        }
        return new ReplayResult(config, slo, batches, steps, predictedHere);
    }

    private static ReplayBatch SharedBatch(SimulatedHardware hardware, WorkloadProfile profile, HardwareConfig config,
        FineTuneRequest step, TimeSharing sharing, double t, double sloMs, RandomStream random)
    {
        var alone = PerformanceModel.Evaluate(hardware, profile, config).LatencySeconds;
        var latency = sharing.CoRunLatency(alone, step, config.GpuMHz, random.NextDouble());
        var power = PerformanceModel.EvaluateShared(hardware, profile, config, sharing.Slowdown,
            0.5 * sharing.KernelSeconds(step, config.GpuMHz)).PowerW;
        return new ReplayBatch(t, sloMs, latency * 1e3, true, config.Batch, power * latency);
    }

    /// <summary>Design App. D's step: 3,901.5 GFLOP in 10 kernels, 300 ms each at 1,300.5 MHz with θ = 1,000.</summary>
    public static FineTuneRequest AppendixDStep { get; } = new(1300.5, 2601, 20, 10);

    /// <summary>App. D's schedule: SLO 250 ms for 30 s, then 700 ms.</summary>
    public static IReadOnlyList<SloChange> AppendixDSlo { get; } = [new(0, 250), new(30, 700)];
}
