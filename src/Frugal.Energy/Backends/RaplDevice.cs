using System.Globalization;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Backends;

/// <summary>
/// CPU package energy from Linux powercap (RAPL, Intel and newer AMD): <c>energy_uj</c> read before and after a window,
/// the difference taken modulo <c>max_energy_range_uj</c> because the counter wraps. It measures only; it sets no
/// clocks. The counters are root-only since kernel 5.10.
/// </summary>
public sealed class RaplDevice : IEnergyDevice
{
    private const string Zone = "sys/class/powercap/intel-rapl:0";

    private readonly string _zone;

    /// <summary>Opens package zone 0 under <paramref name="root"/> ("/" on a machine).</summary>
    public RaplDevice(string root)
    {
        _zone = Path.Combine(root, Zone);
        var energy = Path.Combine(_zone, "energy_uj");
        if (!File.Exists(energy))
            throw new DeviceUnavailableException("rapl", $"no powercap energy counter at {energy}");
        try
        {
            _ = Counter("energy_uj");
        }
        catch (UnauthorizedAccessException)
        {
            throw new DeviceUnavailableException("rapl", $"{energy} is readable by root only (kernel 5.10 and later)");
        }
    }

    /// <inheritdoc />
    public string Name => "rapl";

    /// <inheritdoc />
    public DeviceDescription Describe() =>
        new("rapl intel-rapl:0", new KnobGrid("rapl", [], [], [], [1]), "powercap energy_uj (CPU package)", false);

    /// <inheritdoc />
    public Task ApplyAsync(HardwareConfig config, CancellationToken cancellation = default) =>
        throw new ClockChangesNotAllowedException("rapl (energy counters only)");

    /// <inheritdoc />
    public async Task<Measurement> MeasureAsync(Workload workload, double windowSeconds,
        CancellationToken cancellation = default)
    {
        var range = Counter("max_energy_range_uj");
        var before = Counter("energy_uj");
        await Task.Delay(TimeSpan.FromSeconds(windowSeconds), cancellation);
        var joules = Delta(before, Counter("energy_uj"), range) / 1e6;
        return new Measurement(double.NaN, double.NaN, double.NaN, joules / windowSeconds, double.NaN, windowSeconds,
            "rapl energy_uj", new HardwareConfig(double.NaN, double.NaN, double.NaN, workload.Batch));
    }

    /// <inheritdoc />
    public Task RestoreAsync(CancellationToken cancellation = default) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Microjoules between two counter readings: (e2 − e1 + range) mod range.</summary>
    public static ulong Delta(ulong before, ulong after, ulong range) =>
        after >= before ? after - before : range - before + after;

    private ulong Counter(string file) =>
        ulong.Parse(File.ReadAllText(Path.Combine(_zone, file)).Trim(), CultureInfo.InvariantCulture);
}
