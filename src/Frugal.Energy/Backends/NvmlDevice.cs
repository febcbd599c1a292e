using System.Runtime.InteropServices;
using System.Text;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Backends;

/// <summary>
/// An NVIDIA GPU through NVML (P/Invoke into <c>libnvidia-ml.so.1</c>): total energy (mJ, Volta+), power, clocks and
/// the supported clock tables; with writes allowed, locked GPU clocks (Volta+) and memory clocks (Ampere+), undone by
/// NVML's Reset functions. NVML cannot read whether clocks are locked, so the journal records "reset" for each setting
/// changed, which is what restoring applies. The library is loaded by name at run time, so a machine without the
/// driver gets one line, and tests can hand it a fake library that records what was called.
/// </summary>
public sealed class NvmlDevice : IEnergyDevice
{
    /// <summary>The driver's library, as the dynamic loader finds it.</summary>
    public const string DriverLibrary = "libnvidia-ml.so.1";

    private const int Success = 0, NoPermission = 4, ClockGraphics = 0, ClockMemory = 2;

    private readonly NvmlLibrary _nvml;
    private readonly IntPtr _device;
    private readonly WritePermission _permission;
    private bool _shutDown;

    /// <summary>Opens GPU <paramref name="index"/> through <paramref name="library"/>; restores a journal left by an
    /// earlier run if writes are allowed.</summary>
    public NvmlDevice(uint index, Func<string, WritePermission> permission, string library = DriverLibrary)
    {
        _nvml = NvmlLibrary.Load(library);
        Check(_nvml.Init(), "initialising NVML", unavailable: true);
        Check(_nvml.GetHandleByIndex(index, out _device), $"opening GPU {index}", unavailable: true);
        var uuid = new byte[96];
        Check(_nvml.GetUuid(_device, uuid, (uint)uuid.Length), "reading the GPU's UUID", unavailable: true);
        Identity = Encoding.ASCII.GetString(uuid).TrimEnd('\0');
        _permission = permission(Identity);
        if (_permission.Allowed && _permission.Journal.Exists)
            RestoreAsync().GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public string Name => "nvml";

    /// <summary>The GPU's UUID, which tells GPUs apart in journals.</summary>
    public string Identity { get; }

    /// <inheritdoc />
    public DeviceDescription Describe()
    {
        var memory = Clocks((ref uint n, uint[]? c) => _nvml.GetSupportedMemoryClocks(_device, ref n, c));
        var top = memory.Length > 0 ? (uint)memory.Max() : 0;
        var gpu = Clocks((ref uint n, uint[]? c) =>
            _nvml.GetSupportedGraphicsClocks(_device, top, ref n, c));
        return new DeviceDescription($"nvml {Identity}",
            new KnobGrid("nvml", [.. gpu.Order()], [.. memory.Order()], [], [1, 2, 4, 8, 16]),
            "nvmlDeviceGetTotalEnergyConsumption", _permission.Allowed);
    }

    /// <inheritdoc />
    public Task ApplyAsync(HardwareConfig config, CancellationToken cancellation = default)
    {
        _permission.Before(Name, [new JournalEntry("gpu-locked-clocks", "reset"),
            new JournalEntry("memory-locked-clocks", "reset")]);
        try
        {
            var g = (uint)Math.Round(config.GpuMHz);
            var m = (uint)Math.Round(config.MemoryMHz);
            Check(_nvml.SetGpuLockedClocks(_device, g, g), "locking the GPU clock");
            Check(_nvml.SetMemoryLockedClocks(_device, m, m), "locking the memory clock");
        }
        catch
        {
            // Never a partial change: whatever was set is undone before the error goes up.
            RestoreAsync(cancellation).GetAwaiter().GetResult();
            throw;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<Measurement> MeasureAsync(Workload workload, double windowSeconds,
        CancellationToken cancellation = default)
    {
        Check(_nvml.GetTotalEnergyConsumption(_device, out var before), "reading energy");
        await Task.Delay(TimeSpan.FromSeconds(windowSeconds), cancellation);
        Check(_nvml.GetTotalEnergyConsumption(_device, out var after), "reading energy");
        Check(_nvml.GetClockInfo(_device, ClockGraphics, out var g), "reading the GPU clock");
        Check(_nvml.GetClockInfo(_device, ClockMemory, out var m), "reading the memory clock");
        return new Measurement(double.NaN, double.NaN, double.NaN, (after - before) / 1e3 / windowSeconds, double.NaN,
            windowSeconds, "nvmlDeviceGetTotalEnergyConsumption", new HardwareConfig(g, m, double.NaN, workload.Batch));
    }

    /// <inheritdoc />
    public Task RestoreAsync(CancellationToken cancellation = default)
    {
        if (!_permission.Allowed || !_permission.Journal.Exists) return Task.CompletedTask;
        ClockJournal.Load(_permission.Journal.Path, Name, Identity);
        Check(_nvml.ResetGpuLockedClocks(_device), "resetting the GPU clock");
        Check(_nvml.ResetMemoryLockedClocks(_device), "resetting the memory clock");
        _permission.Journal.Delete();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_shutDown) return;
        try
        {
            RestoreAsync().GetAwaiter().GetResult();
        }
        finally
        {
            _shutDown = true;
            _nvml.Shutdown();
            _nvml.Dispose();
        }
    }

    private delegate int ClockQuery(ref uint count, uint[]? clocks);

    private static double[] Clocks(ClockQuery query)
    {
        var count = 0u;
        query(ref count, null);
        var clocks = new uint[count];
        return query(ref count, clocks) == Success ? [.. clocks.Take((int)count).Select(c => (double)c)] : [];
    }

    private static void Check(int status, string what, bool unavailable = false)
    {
        if (status == Success) return;
        if (unavailable) throw new DeviceUnavailableException("nvml", $"{what} failed (NVML error {status})");
        if (status == NoPermission)
            throw new UnauthorizedAccessException($"nvml: {what} needs root (NVML_ERROR_NO_PERMISSION)");
        throw new IOException($"nvml: {what} failed (NVML error {status})");
    }
}
