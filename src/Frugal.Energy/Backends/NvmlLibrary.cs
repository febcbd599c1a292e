using System.Runtime.InteropServices;

namespace Frugal.Energy.Backends;

/// <summary>
/// NVML's entry points of design §6, bound at run time from a library loaded by name or path (the C types' blittable
/// equivalents). Every entry point is resolved when the library loads, so a library without one is refused at once,
/// naming it, instead of failing halfway through a change of clocks.
/// </summary>
internal sealed class NvmlLibrary : IDisposable
{
    public delegate int Call();
    public delegate int DeviceCall(IntPtr device);
    public delegate int HandleQuery(uint index, out IntPtr device);
    public delegate int TextQuery(IntPtr device, byte[] text, uint length);
    public delegate int EnergyQuery(IntPtr device, out ulong millijoules);
    public delegate int ClockInfoQuery(IntPtr device, int type, out uint mhz);
    public delegate int ClockListQuery(IntPtr device, ref uint count, uint[]? clocks);
    public delegate int ClockListAtQuery(IntPtr device, uint memoryMHz, ref uint count, uint[]? clocks);
    public delegate int ClockRangeCall(IntPtr device, uint minMHz, uint maxMHz);

    private readonly IntPtr _handle;

    private NvmlLibrary(IntPtr handle, string library)
    {
        _handle = handle;
        T Bind<T>(string name) where T : Delegate =>
            NativeLibrary.TryGetExport(handle, name, out var address)
                ? Marshal.GetDelegateForFunctionPointer<T>(address)
                : throw new DeviceUnavailableException("nvml", $"{library} has no {name} (an NVML too old?)");
        Init = Bind<Call>("nvmlInit_v2");
        Shutdown = Bind<Call>("nvmlShutdown");
        GetHandleByIndex = Bind<HandleQuery>("nvmlDeviceGetHandleByIndex_v2");
        GetUuid = Bind<TextQuery>("nvmlDeviceGetUUID");
        GetTotalEnergyConsumption = Bind<EnergyQuery>("nvmlDeviceGetTotalEnergyConsumption");
        GetClockInfo = Bind<ClockInfoQuery>("nvmlDeviceGetClockInfo");
        GetSupportedMemoryClocks = Bind<ClockListQuery>("nvmlDeviceGetSupportedMemoryClocks");
        GetSupportedGraphicsClocks = Bind<ClockListAtQuery>("nvmlDeviceGetSupportedGraphicsClocks");
        SetGpuLockedClocks = Bind<ClockRangeCall>("nvmlDeviceSetGpuLockedClocks");
        ResetGpuLockedClocks = Bind<DeviceCall>("nvmlDeviceResetGpuLockedClocks");
        SetMemoryLockedClocks = Bind<ClockRangeCall>("nvmlDeviceSetMemoryLockedClocks");
        ResetMemoryLockedClocks = Bind<DeviceCall>("nvmlDeviceResetMemoryLockedClocks");
    }

    /// <summary><c>nvmlInit_v2</c>.</summary>
    public Call Init { get; }
    /// <summary><c>nvmlShutdown</c>.</summary>
    public Call Shutdown { get; }
    /// <summary><c>nvmlDeviceGetHandleByIndex_v2</c>.</summary>
    public HandleQuery GetHandleByIndex { get; }
    /// <summary><c>nvmlDeviceGetUUID</c>.</summary>
    public TextQuery GetUuid { get; }
    /// <summary><c>nvmlDeviceGetTotalEnergyConsumption</c>.</summary>
    public EnergyQuery GetTotalEnergyConsumption { get; }
    /// <summary><c>nvmlDeviceGetClockInfo</c>.</summary>
    public ClockInfoQuery GetClockInfo { get; }
    /// <summary><c>nvmlDeviceGetSupportedMemoryClocks</c>.</summary>
    public ClockListQuery GetSupportedMemoryClocks { get; }
    /// <summary><c>nvmlDeviceGetSupportedGraphicsClocks</c>.</summary>
    public ClockListAtQuery GetSupportedGraphicsClocks { get; }
    /// <summary><c>nvmlDeviceSetGpuLockedClocks</c>.</summary>
    public ClockRangeCall SetGpuLockedClocks { get; }
    /// <summary><c>nvmlDeviceResetGpuLockedClocks</c>.</summary>
    public DeviceCall ResetGpuLockedClocks { get; }
    /// <summary><c>nvmlDeviceSetMemoryLockedClocks</c>.</summary>
    public ClockRangeCall SetMemoryLockedClocks { get; }
    /// <summary><c>nvmlDeviceResetMemoryLockedClocks</c>.</summary>
    public DeviceCall ResetMemoryLockedClocks { get; }

    /// <summary>Loads <paramref name="library"/> (a name the loader searches for, or a path).</summary>
    public static NvmlLibrary Load(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
            throw new DeviceUnavailableException("nvml", $"{library} not found (no NVIDIA driver on this machine)");
        try
        {
            return new NvmlLibrary(handle, library);
        }
        catch
        {
            NativeLibrary.Free(handle);
            throw;
        }
    }

    public void Dispose() => NativeLibrary.Free(_handle);
}
