using Frugal.Core.Randomness;
using Frugal.Energy.Devices;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.FineTuning;

/// <summary>Which clocks a fine-tuning step runs at.</summary>
public enum FineTuneClocks
{
    /// <summary>The inference configuration's: steps are admitted by its predictor and change nothing.</summary>
    Keep,

    /// <summary>
    /// The cheapest configuration for the inference + fine-tuning mix whose predicted worst-case latency meets the SLO
    /// in force (design §4: "re-apply the best hardware config for the mix while fine-tuning runs"); the inference
    /// configuration returns when the step completes.
    /// </summary>
    Retune,
}

/// <summary>
/// The configuration a fine-tuning step runs at, with the worst-case inference latency predicted there and the energy
/// per query served meanwhile.
/// </summary>
public sealed record CoRunPlan(HardwareConfig Config, double PredictedWorstMs, double EnergyPerQueryJ);

/// <summary>
/// Chooses the clocks for inference while a fine-tuning step runs. Each candidate gets its own latency predictor
/// (the predictor holds only at the clocks it was fitted at), fitted on profiled steps; the feasible candidate with
/// the least energy per query while sharing wins. Candidates are phase 2's grid at the inference configuration's CPU
/// clock: fine-tuning runs on the GPU, and phase 1 already chose the CPU clock for preprocessing.
/// </summary>
public static class CoRunPlanner
{
    /// <summary>The plan of <paramref name="clocks"/> for an SLO of <paramref name="sloMs"/>; null when no candidate's
    /// predicted worst-case latency meets it (the step must wait).</summary>
    public static CoRunPlan? Plan(FineTuneClocks clocks, SimulatedHardware hardware, WorkloadProfile profile,
        HardwareConfig inference, FineTuneRequest step, TimeSharing sharing, double sloMs, RandomStream random)
    {
        IReadOnlyList<HardwareConfig> candidates = clocks == FineTuneClocks.Keep
            ? [inference]
            : hardware.Grid.PhaseTwo(inference.CpuMHz);
        return candidates.Select(c => Evaluate(hardware, profile, c, step, sharing, random))
            .Where(p => p.PredictedWorstMs <= sloMs)
            .MinBy(p => p.EnergyPerQueryJ);
    }

    /// <summary><paramref name="config"/>'s predicted worst-case latency and energy per query while
    /// <paramref name="step"/> runs.</summary>
    public static CoRunPlan Evaluate(SimulatedHardware hardware, WorkloadProfile profile, HardwareConfig config,
        FineTuneRequest step, TimeSharing sharing, RandomStream random)
    {
        var latency = PerformanceModel.Evaluate(hardware, profile, config).LatencySeconds;
        var predictor = Profile(latency, step, config.GpuMHz, sharing, random);
        var shared = PerformanceModel.EvaluateShared(hardware, profile, config, sharing.Slowdown,
            0.5 * sharing.KernelSeconds(step, config.GpuMHz));
        return new CoRunPlan(config, predictor.Predict(step) * 1e3, shared.EnergyPerQueryJ);
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
}
