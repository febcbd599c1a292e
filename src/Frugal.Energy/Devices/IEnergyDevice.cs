namespace Frugal.Energy.Devices;

/// <summary>
/// A device whose clocks PolyThrottle sets and whose energy it measures: the simulator (default) or real hardware
/// (NVML, Jetson sysfs, RAPL). Real devices change nothing unless the user allowed clock changes, and then journal the
/// original state before the first write (<see cref="Backends.ClockJournal"/>).
/// </summary>
public interface IEnergyDevice : IDisposable
{
    /// <summary>The backend's name (<c>simulated</c>, <c>nvml</c>, <c>jetson</c>, <c>rapl</c>).</summary>
    string Name { get; }

    /// <summary>Knob grids and sensors.</summary>
    DeviceDescription Describe();

    /// <summary>Sets the clocks (the batch size is the workload's, so devices only record it).</summary>
    /// <exception cref="InvalidOperationException">A real device without permission to change clocks.</exception>
    Task ApplyAsync(HardwareConfig config, CancellationToken cancellation = default);

    /// <summary>Measures <paramref name="workload"/> over a window of <paramref name="windowSeconds"/>.</summary>
    Task<Measurement> MeasureAsync(Workload workload, double windowSeconds, CancellationToken cancellation = default);

    /// <summary>Puts back the state the device had before the first <see cref="ApplyAsync"/>.</summary>
    Task RestoreAsync(CancellationToken cancellation = default);
}

/// <summary>What a device offers: its knob grid, its energy sensor and whether clocks may be changed.</summary>
public sealed record DeviceDescription(string Device, KnobGrid Grid, string Sensor, bool ClocksWritable);

/// <summary>What is measured: the inference pipeline (the default) or preprocessing alone (phase 1 of
/// tuning).</summary>
public enum WorkloadStage
{
    /// <summary>Pipelined preprocessing and inference: latency, energy per query, power.</summary>
    Pipeline,

    /// <summary>CPU preprocessing alone: the energy per item preprocessing costs.</summary>
    Preprocessing,
}

/// <summary>A workload to measure: a model profile at a batch size, in one stage.</summary>
public sealed record Workload(string Profile, int Batch, WorkloadStage Stage = WorkloadStage.Pipeline);

/// <summary>
/// One measurement window. Latency and throughput are NaN on devices that only read energy (RAPL, NVML without a
/// workload of their own).
/// </summary>
/// <param name="LatencyMs">Mean latency per batch.</param>
/// <param name="LatencyP95Ms">95th percentile latency.</param>
/// <param name="EnergyPerQueryJ">Energy per query (per item in the preprocessing stage).</param>
/// <param name="PowerW">Mean power over the window.</param>
/// <param name="Throughput">Queries per second.</param>
/// <param name="WindowSeconds">The window measured.</param>
/// <param name="Sensor">The sensor that gave the energy.</param>
/// <param name="Clocks">The clocks read back during the window.</param>
public sealed record Measurement(
    double LatencyMs, double LatencyP95Ms, double EnergyPerQueryJ, double PowerW, double Throughput,
    double WindowSeconds, string Sensor, HardwareConfig Clocks);
