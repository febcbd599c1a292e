using Frugal.Energy.Devices;

namespace Frugal.Energy.Simulation;

/// <summary>The noise-free behaviour of one configuration: latency, energy per query, power and throughput.</summary>
/// <param name="LatencySeconds">L = t_pre + t_inf: a batch is preprocessed, then inferred.</param>
/// <param name="EnergyPerQueryJ">E = P·T / b.</param>
/// <param name="PowerW">P of GPU, memory, CPU and board.</param>
/// <param name="PeriodSeconds">T = max(t_inf, t_pre): preprocessing of one batch overlaps inference of another.</param>
/// <param name="InferenceSeconds">t_inf = t0 + t_c + t_m.</param>
public sealed record OperatingPoint(
    double LatencySeconds, double EnergyPerQueryJ, double PowerW, double PeriodSeconds, double InferenceSeconds)
{
    /// <summary>Queries per second.</summary>
    public double Throughput(int batch) => batch / PeriodSeconds;
}

/// <summary>The deterministic parametric model of design §7 (times in s, clocks in MHz, work in Mcycles).</summary>
public static class PerformanceModel
{
    /// <summary>The operating point of <paramref name="config"/> for <paramref name="profile"/> on <paramref
    /// name="hardware"/>.</summary>
    public static OperatingPoint Evaluate(SimulatedHardware hardware, WorkloadProfile profile, HardwareConfig config) =>
        Evaluate(hardware, profile, config, slowdown: 0, waitSeconds: 0, gpuBusy: null);

    /// <summary>
    /// The operating point while a fine-tuning step time-shares the GPU (design §4, §7): each batch is slowed by
    /// <paramref name="slowdown"/> (ρ) and waits <paramref name="waitSeconds"/> on average for a fine-tuning kernel,
    /// and the GPU never idles, since fine-tuning fills whatever inference leaves. Energy per query then counts the
    /// fine-tuning's power too: it is what serving costs while a step runs.
    /// </summary>
    public static OperatingPoint EvaluateShared(SimulatedHardware hardware, WorkloadProfile profile,
        HardwareConfig config, double slowdown, double waitSeconds) =>
        Evaluate(hardware, profile, config, slowdown, waitSeconds, gpuBusy: 1);

    private static OperatingPoint Evaluate(SimulatedHardware hardware, WorkloadProfile profile, HardwareConfig config,
        double slowdown, double waitSeconds, double? gpuBusy)
    {
        double b = config.Batch;
        var compute = profile.ComputeMcycles * Math.Pow(b, profile.BatchExponent) / config.GpuMHz;
        var memory = (profile.WeightTraffic + profile.ActivationTraffic * b) / config.MemoryMHz;
        var preprocess = profile.PreprocessMcycles * b / config.CpuMHz;
        // Design §7's L' = L·(1 + ρ) + wait stretches the whole latency, preprocessing included.
        var inference = (profile.FixedSeconds + compute + memory) * (1 + slowdown) + preprocess * slowdown
                        + waitSeconds;
        var period = Math.Max(inference, preprocess);
        var power = hardware.Gpu.Watts(config.GpuMHz, gpuBusy ?? compute / period)
                    + hardware.Memory.Watts(config.MemoryMHz, memory / period)
                    + hardware.Cpu.Watts(config.CpuMHz, preprocess / period)
                    + hardware.BaseWatts;
        return new OperatingPoint(preprocess + inference, power * period / b, power, period, inference);
    }

    /// <summary>Phase 1's objective: the CPU energy of preprocessing one item, P_cpu(f_c, 1)·p / f_c.</summary>
    public static double PreprocessingEnergy(SimulatedHardware hardware, WorkloadProfile profile, double cpuMHz) =>
        hardware.Cpu.Watts(cpuMHz, 1) * profile.PreprocessMcycles / cpuMHz;
}
