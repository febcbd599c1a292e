using Frugal.Core.Distributions;
using Frugal.Core.Randomness;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Simulation;

/// <summary>
/// The default device: <see cref="PerformanceModel"/> with seeded <see cref="MeasurementNoise"/>, and a virtual clock
/// that each measurement advances by its window (and a clock change by one second more), so a tuning run reports the
/// time it would have taken on the board without taking it.
/// </summary>
public sealed class SimulatedDevice(SimulatedHardware hardware, MeasurementNoise noise, RandomStream random)
    : IEnergyDevice
{
    /// <summary>Seconds a clock change costs before the next measurement (settling).</summary>
    public const double ClockChangeSeconds = 1;

    private static readonly Normal StandardNormal = new(0, 1);
    private HardwareConfig? _applied;

    /// <inheritdoc />
    public string Name => "simulated";

    /// <summary>The simulated board.</summary>
    public SimulatedHardware Hardware => hardware;

    /// <summary>Virtual seconds spent measuring and changing clocks so far.</summary>
    public double VirtualSeconds { get; private set; }

    /// <summary>Clocks set by the last <see cref="ApplyAsync"/> (max clocks, batch 1, before any).</summary>
    public HardwareConfig Current => _applied ?? hardware.Grid.MaxClocks(1);

    /// <inheritdoc />
    public DeviceDescription Describe() =>
        new($"simulated {hardware.Grid.Name}", hardware.Grid, noise.Sensor ? "sampled power (50 ms)" : "model", true);

    /// <inheritdoc />
    public Task ApplyAsync(HardwareConfig config, CancellationToken cancellation = default)
    {
        var current = Current;
        if (config.GpuMHz != current.GpuMHz || config.MemoryMHz != current.MemoryMHz || config.CpuMHz != current.CpuMHz)
            VirtualSeconds += ClockChangeSeconds;
        _applied = config;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Measurement> MeasureAsync(Workload workload, double windowSeconds,
        CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var profile = WorkloadProfile.Catalog.Get(workload.Profile);
        var config = Current with { Batch = workload.Batch };
        VirtualSeconds += windowSeconds;
        // Every draw is made whatever the mode, so that switching one feature off leaves the others' numbers alone.
        var latencyFactor = Math.Exp(noise.LatencySigma * StandardNormal.Sample(random));
        var energyFactor = Math.Exp(noise.EnergySigma * StandardNormal.Sample(random));
        var spike = random.NextDouble() < noise.SpikeProbability
            ? noise.SpikeLow + (noise.SpikeHigh - noise.SpikeLow) * random.NextDouble()
            : 1;
        if (workload.Stage == WorkloadStage.Preprocessing)
        {
            var watts = hardware.Cpu.Watts(config.CpuMHz, 1);
            var energy = PerformanceModel.PreprocessingEnergy(hardware, profile, config.CpuMHz) * energyFactor;
            var seconds = profile.PreprocessMcycles / config.CpuMHz;
            return Task.FromResult(new Measurement(seconds * 1e3, seconds * 1e3, energy, watts, 1 / seconds,
                windowSeconds, "model", config));
        }
        var point = PerformanceModel.Evaluate(hardware, profile, config);
        var latency = point.LatencySeconds * latencyFactor * spike * 1e3;
        var perQuery = noise.Sensor ? SensorEnergy(point, config.Batch,
            windowSeconds) : point.EnergyPerQueryJ * energyFactor;
        // One window's latency draw stands for its mean; the p95 adds 1.645 σ_L on the log scale.
        var p95 = latency * Math.Exp(1.645 * noise.LatencySigma);
        return Task.FromResult(new Measurement(latency, p95, perQuery, perQuery * point.Throughput(config.Batch),
            point.Throughput(config.Batch), windowSeconds, noise.Sensor ? "sampled power" : "model", config));
    }

    /// <inheritdoc />
    public Task RestoreAsync(CancellationToken cancellation = default)
    {
        _applied = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Energy per query from a power sensor read every 50 ms (1 mW steps) over the window.</summary>
    private double SensorEnergy(OperatingPoint point, int batch, double windowSeconds)
    {
        var samples = Math.Max(1, (int)Math.Round(windowSeconds / MeasurementNoise.SensorIntervalSeconds));
        var joules = 0.0;
        for (var i = 0; i < samples; i++)
        {
            var watts = point.PowerW * (1 + MeasurementNoise.SensorSampleSigma * StandardNormal.Sample(random));
            joules += Math.Round(watts * 1e3) / 1e3 * MeasurementNoise.SensorIntervalSeconds;
        }
        return joules / (samples * MeasurementNoise.SensorIntervalSeconds * point.Throughput(batch));
    }
}
