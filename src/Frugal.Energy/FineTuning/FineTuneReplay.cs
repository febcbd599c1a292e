using Frugal.Core.Randomness;
using Frugal.Energy.Devices;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.FineTuning;

/// <summary>A change of the latency SLO at a time of the replay.</summary>
public sealed record SloChange(double AtSeconds, double SloMs);

/// <summary>One inference batch of a replay.</summary>
public sealed record ReplayBatch(double StartSeconds, double SloMs, double LatencyMs, bool FineTuning);

/// <summary>One fine-tuning step of a replay: when it was admitted and when it signalled completion.</summary>
public sealed record ReplayStep(int Index, double StartSeconds, double EndSeconds, double PredictedMs);

/// <summary>What a replay did: every batch, every admitted step, and how often the SLO was missed.</summary>
public sealed record ReplayResult(
    HardwareConfig Config, IReadOnlyList<SloChange> Slo, IReadOnlyList<ReplayBatch> Batches,
    IReadOnlyList<ReplayStep> Steps, double PredictedWorstMs)
{
    /// <summary>Batches whose latency exceeded the SLO in force when they started.</summary>
    public int Violations => Batches.Count(b => b.LatencyMs > b.SloMs);
}

/// <summary>
/// Fine-tuning alongside inference on the simulated device (design §4, App. D): inference batches run back to back; a
/// queued fine-tuning step is admitted only if the predicted worst-case latency meets the SLO in force, and one step
/// runs at a time, the next after the previous completes. The predictor is fitted at the replay's clocks first, from
/// profiled steps of several sizes.
/// </summary>
public static class FineTuneReplay
{
    /// <summary>Replays <paramref name="seconds"/> of inference at <paramref name="config"/> with <paramref
    /// name="queued"/> steps waiting.</summary>
    public static ReplayResult Run(SimulatedHardware hardware, WorkloadProfile profile, HardwareConfig config,
        IReadOnlyList<SloChange> slo, FineTuneRequest step, int queued, double seconds, TimeSharing sharing,
        RandomStream random)
    {
        var latency = PerformanceModel.Evaluate(hardware, profile, config).LatencySeconds;
        var predictor = Profile(latency, step, config.GpuMHz, sharing, random);
        var predicted = predictor.Predict(step);
        var batches = new List<ReplayBatch>();
        var steps = new List<ReplayStep>();
        var t = 0.0;
        double? runningUntil = null;
        while (t < seconds)
        {
            var sloMs = slo.Last(c => c.AtSeconds <= t).SloMs;
            if (runningUntil is { } end && t >= end) runningUntil = null;
            if (runningUntil is null && steps.Count < queued && predicted * 1e3 <= sloMs)
            {
                var duration = sharing.StepSeconds(step, config.GpuMHz);
                steps.Add(new ReplayStep(steps.Count + 1, t, t + duration, predicted * 1e3));
                runningUntil = t + duration;
            }
            var running = runningUntil is not null;
            var seconds1 = running ? sharing.CoRunLatency(latency, step, config.GpuMHz, random.NextDouble()) : latency;
            batches.Add(new ReplayBatch(t, sloMs, seconds1 * 1e3, running));
            t += seconds1;
        }
        return new ReplayResult(config, slo, batches, steps, predicted * 1e3);
    }

    /// <summary>
    /// The predictor at these clocks: steps of several sizes and intensities run beside 50 batches each, fitted on the
    /// worst latency each saw.
    /// </summary>
    private static LatencyPredictor Profile(double latency, FineTuneRequest step, double gpuMHz, TimeSharing sharing,
        RandomStream random)
    {
        double[] scales = [0.25, 0.5, 0.75, 1, 1.5, 2];
        var profiled = scales.Select((s, i) =>
        {
            var probe = step with
            {
                ForwardGflop = step.ForwardGflop * s,
                BackwardGflop = step.BackwardGflop * s * (1 + 0.1 * i),
                Gigabytes = step.Gigabytes * (1 + 0.2 * (i % 3)),
            };
            var worst = Enumerable.Range(0, 50).Max(_ => sharing.CoRunLatency(latency, probe, gpuMHz,
                random.NextDouble()));
            return (probe, worst);
        }).ToArray();
        return LatencyPredictor.Fit(profiled);
    }

    /// <summary>Design App. D's step: 3,901.5 GFLOP in 10 kernels, 300 ms each at 1,300.5 MHz with θ = 1,000.</summary>
    public static FineTuneRequest AppendixDStep { get; } = new(1300.5, 2601, 20, 10);

    /// <summary>App. D's schedule: SLO 250 ms for 30 s, then 700 ms.</summary>
    public static IReadOnlyList<SloChange> AppendixDSlo { get; } = [new(0, 250), new(30, 700)];
}
