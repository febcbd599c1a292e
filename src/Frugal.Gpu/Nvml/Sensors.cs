namespace Frugal.Gpu.Nvml;

/// <summary>One reading of a GPU's sensors; a field is null where the GPU (or the accelerator) has no such sensor.
/// </summary>
/// <param name="PowerW">Board power.</param>
/// <param name="SmClockMHz">SM clock.</param>
/// <param name="MemoryClockMHz">Memory clock.</param>
/// <param name="TemperatureC">GPU temperature.</param>
/// <param name="UtilizationPercent">Percent of the last sample period a kernel ran.</param>
/// <param name="Reasons">Why the clocks are below their maximum: NVML's reason bit mask.</param>
/// <param name="EnergyJ">Energy counter since the driver loaded.</param>
public sealed record SensorReading(double? PowerW, double? SmClockMHz, double? MemoryClockMHz, double? TemperatureC,
    double? UtilizationPercent, ulong? Reasons, double? EnergyJ)
{
    /// <summary>A reading with every sensor absent.</summary>
    public static readonly SensorReading Absent = new(null, null, null, null, null, null, null);
}

/// <summary>The sensors of the device a survey runs on.</summary>
internal interface IGpuSensors
{
    /// <summary>False where there are no sensors (the CPU accelerator); then every reading is absent.</summary>
    bool Present { get; }

    /// <summary>Reads every sensor now.</summary>
    SensorReading Read();
}

/// <summary>No sensors: the CPU accelerator, whose records mark every sensor absent.</summary>
internal sealed class NoSensors : IGpuSensors
{
    public static readonly NoSensors Instance = new();

    public bool Present => false;

    public SensorReading Read() => SensorReading.Absent;
}

/// <summary>NVML's clock-event reason bits (design §3.1), named for the records' histogram.</summary>
public static class ClockReasons
{
    /// <summary>Bit → name, in bit order.</summary>
    public static readonly IReadOnlyList<(ulong Bit, string Name)> Bits =
    [
        (0x1, "GpuIdle"), (0x2, "ApplicationsClocksSetting"), (0x4, "SwPowerCap"), (0x8, "HwSlowdown"),
        (0x10, "SyncBoost"), (0x20, "SwThermalSlowdown"), (0x40, "HwThermalSlowdown"),
        (0x80, "HwPowerBrakeSlowdown"), (0x100, "DisplayClockSetting"),
    ];

    /// <summary>How many of the masks have each bit set, by reason name (bits never set are left out).</summary>
    public static IReadOnlyDictionary<string, int> Histogram(IEnumerable<ulong> masks)
    {
        var all = masks.ToArray();
        var histogram = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (bit, name) in Bits)
            if (all.Count(m => (m & bit) != 0) is var n and > 0) histogram[name] = n;
        return histogram;
    }
}
