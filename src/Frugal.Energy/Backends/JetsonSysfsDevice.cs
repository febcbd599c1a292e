using System.Globalization;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Backends;

/// <summary>
/// A Jetson board through sysfs and debugfs (design §6): GPU devfreq (Hz), EMC clock (Hz, locked with
/// <c>mrq_rate_locked</c>), CPU cpufreq (kHz). Read-only unless writes are allowed; then the original min/max
/// frequencies, governors and EMC lock are journalled before the first write and put back by <see
/// cref="RestoreAsync"/>. The root folder is "/" on a board, a fake tree in tests. Power comes from the board's
/// INA3221 rails (<see cref="JetsonPowerRails"/>), sampled every 50 ms as tegrastats does; the backend runs no model,
/// so latency and energy per query stay unknown.
/// </summary>
public sealed class JetsonSysfsDevice : IEnergyDevice
{
    private const string DevfreqRoot = "sys/devices/gpu.0/devfreq";
    private const string Emc = "sys/kernel/debug/bpmp/debug/clk/emc";
    private const string Cpus = "sys/devices/system/cpu";
    private static readonly TimeSpan PowerSamplePeriod = TimeSpan.FromMilliseconds(50);

    private readonly string _root;
    private readonly string _gpu;
    private readonly string[] _cpus;
    private readonly WritePermission _permission;
    private readonly JetsonPowerRails? _power;

    /// <summary>Opens the board under <paramref name="root"/>; restores a journal left by an earlier run if writes are
    /// allowed.</summary>
    public JetsonSysfsDevice(string root, Func<string, WritePermission> permission)
    {
        _root = root;
        var devfreq = System.IO.Path.Combine(root, DevfreqRoot);
        var node = Directory.Exists(devfreq)
            ? Directory.GetDirectories(devfreq).Order(StringComparer.Ordinal).FirstOrDefault() : null;
        _gpu = node is null
            ? throw new DeviceUnavailableException("jetson", $"no GPU devfreq node under {devfreq}")
            : System.IO.Path.GetRelativePath(root, node);
        _cpus = [.. Directory.GetDirectories(System.IO.Path.Combine(root, Cpus), "cpu*")
            .Where(d => Directory.Exists(System.IO.Path.Combine(d, "cpufreq")))
            .Select(d => System.IO.Path.GetRelativePath(root, d)).Order(StringComparer.Ordinal)];
        Identity = System.IO.Path.GetFileName(_gpu);
        _power = JetsonPowerRails.Discover(root);
        _permission = permission(Identity);
        if (_permission.Allowed && _permission.Journal.Exists)
            RestoreFrom(ClockJournal.Load(_permission.Journal.Path, Name, Identity).Entries);
    }

    /// <inheritdoc />
    public string Name => "jetson";

    /// <summary>The GPU devfreq node (e.g. <c>17000000.ga10b</c>), which tells boards apart in journals.</summary>
    public string Identity { get; }

    /// <inheritdoc />
    public DeviceDescription Describe()
    {
        var gpu = Numbers($"{_gpu}/available_frequencies").Select(hz => hz / 1e6).Order().ToArray();
        var cpu = _cpus.Length > 0
            ? Numbers($"{_cpus[0]}/cpufreq/scaling_available_frequencies").Select(khz => khz / 1e3).Order().ToArray()
            : [];
        var possible = $"{Emc}/possible_rates";
        var memory = File.Exists(Full(possible))
            ? Numbers(possible).Select(hz => hz / 1e6).Order().ToArray()
            : [Number($"{Emc}/rate") / 1e6];
        return new DeviceDescription($"jetson {Identity}", new KnobGrid("jetson", gpu, memory, cpu, [1, 2, 4, 8, 16]),
            Sensor, _permission.Allowed);
    }

    /// <inheritdoc />
    public Task ApplyAsync(HardwareConfig config, CancellationToken cancellation = default)
    {
        var writes = new List<(string Key, string Value)>();
        // GPU: raise max first when moving up, lower min first when moving down, so min ≤ max holds at every step.
        var gpuHz = Hz(config.GpuMHz);
        writes.AddRange(config.GpuMHz * 1e6 >= Number($"{_gpu}/max_freq")
            ? [($"{_gpu}/max_freq", gpuHz), ($"{_gpu}/min_freq", gpuHz)]
            : [($"{_gpu}/min_freq", gpuHz), ($"{_gpu}/max_freq", gpuHz)]);
        writes.Add(($"{Emc}/mrq_rate_locked", "1"));
        writes.Add(($"{Emc}/rate", Hz(config.MemoryMHz)));
        var khz = ((long)Math.Round(config.CpuMHz * 1e3)).ToString(CultureInfo.InvariantCulture);
        foreach (var cpu in _cpus)
        {
            var f = $"{cpu}/cpufreq";
            writes.AddRange(config.CpuMHz * 1e3 >= Number($"{f}/scaling_max_freq")
                ? [($"{f}/scaling_max_freq", khz), ($"{f}/scaling_min_freq", khz)]
                : [($"{f}/scaling_min_freq", khz), ($"{f}/scaling_max_freq", khz)]);
        }
        // Originals in restore order: max before min (restoring from a pinned clock, max first keeps min ≤ max).
        var originals = writes.Select(w => w.Key).Distinct()
            .OrderBy(k => k.EndsWith("min_freq", StringComparison.Ordinal) ? 1 : 0)
            .Select(k => new JournalEntry(k, Read(k))).ToArray();
        _permission.Before(Name, originals);
        foreach (var (key, value) in writes) Write(key, value);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<Measurement> MeasureAsync(Workload workload, double windowSeconds,
        CancellationToken cancellation = default)
    {
        var watts = await MeanPowerAsync(TimeSpan.FromSeconds(windowSeconds), cancellation);
        var clocks = new HardwareConfig(Number($"{_gpu}/cur_freq") / 1e6, Number($"{Emc}/rate") / 1e6,
            _cpus.Length > 0 ? Number($"{_cpus[0]}/cpufreq/scaling_cur_freq") / 1e3 : double.NaN, workload.Batch);
        return new Measurement(double.NaN, double.NaN, double.NaN, watts, double.NaN, windowSeconds, Sensor, clocks);
    }

    private string Sensor => _power?.Sensor ?? "none (no INA3221 rails)";

    /// <summary>The rails' mean over <paramref name="window"/>, one sample per period; NaN on a board without
    /// rails.</summary>
    private async Task<double> MeanPowerAsync(TimeSpan window, CancellationToken cancellation)
    {
        if (_power is null)
        {
            await Task.Delay(window, cancellation);
            return double.NaN;
        }
        var samples = new List<double> { _power.Watts() };
        using var timer = new PeriodicTimer(PowerSamplePeriod);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < window && await timer.WaitForNextTickAsync(cancellation))
            samples.Add(_power.Watts());
        return samples.Average();
    }

    /// <inheritdoc />
    public Task RestoreAsync(CancellationToken cancellation = default)
    {
        // Without permission nothing was written by this run, and restoring is itself a write.
        if (_permission.Allowed && _permission.Journal.Exists)
            RestoreFrom(ClockJournal.Load(_permission.Journal.Path, Name, Identity).Entries);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => RestoreAsync().GetAwaiter().GetResult();

    /// <summary>Writes every journalled value back, then deletes the journal.</summary>
    private void RestoreFrom(IReadOnlyList<JournalEntry> entries)
    {
        foreach (var e in entries) Write(e.Key, e.Value);
        _permission.Journal.Delete();
    }

    private string Full(string key) => System.IO.Path.Combine(_root, key);

    private string Read(string key) => File.ReadAllText(Full(key)).Trim();

    private void Write(string key, string value) => File.WriteAllText(Full(key), value);

    private double Number(string key) => double.Parse(Read(key), CultureInfo.InvariantCulture);

    private double[] Numbers(string key) => [.. Read(key)
        .Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
        .Select(s => double.Parse(s, CultureInfo.InvariantCulture))];

    private static string Hz(double mhz) => ((long)Math.Round(mhz * 1e6)).ToString(CultureInfo.InvariantCulture);
}
