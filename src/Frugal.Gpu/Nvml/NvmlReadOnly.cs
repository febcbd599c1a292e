using System.Runtime.InteropServices;

namespace Frugal.Gpu.Nvml;

/// <summary>
/// The read-only part of NVML (design §3.1), bound at run time from a library loaded by name or path, so tests can
/// bind a fake. It binds getters, <c>nvmlInit_v2</c>, <c>nvmlShutdown</c> and <c>nvmlErrorString</c> and nothing
/// else: no setter, no reset, no lock. The survey measures GPUs as the site configured them; a test guards that no
/// entry point that changes a GPU is ever named in this assembly.
/// </summary>
internal sealed class NvmlReadOnly : IDisposable
{
    public delegate int Call();
    public delegate IntPtr ErrorText(int code);
    public delegate int CountQuery(out uint count);
    public delegate int HandleQuery(uint index, out IntPtr device);
    public delegate int BusHandleQuery(byte[] pciBusId, out IntPtr device);
    public delegate int TextQuery(IntPtr device, byte[] text, uint length);
    public delegate int SystemTextQuery(byte[] text, uint length);
    public delegate int UintQuery(IntPtr device, out uint value);
    public delegate int UlongQuery(IntPtr device, out ulong value);
    public delegate int TypedUintQuery(IntPtr device, int type, out uint value);
    public delegate int UtilizationQuery(IntPtr device, out Utilization value);
    public delegate int MemoryQuery(IntPtr device, out MemoryInfo value);

    /// <summary>NVML's <c>nvmlUtilization_t</c>: percent of time the GPU and its memory were busy.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Utilization
    {
        public uint Gpu;
        public uint Memory;
    }

    /// <summary>NVML's <c>nvmlMemory_t</c> (bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MemoryInfo
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    private readonly IntPtr _handle;

    private NvmlReadOnly(IntPtr handle, string library)
    {
        _handle = handle;
        T Bind<T>(string name) where T : Delegate =>
            TryBind<T>(name) ?? throw new GpuUnavailableException($"{library} has no {name} (an NVML too old?)");
        T? TryBind<T>(string name) where T : Delegate =>
            NativeLibrary.TryGetExport(handle, name, out var address)
                ? Marshal.GetDelegateForFunctionPointer<T>(address)
                : null;
        Init = Bind<Call>("nvmlInit_v2");
        Shutdown = Bind<Call>("nvmlShutdown");
        ErrorString = Bind<ErrorText>("nvmlErrorString");
        GetDriverVersion = Bind<SystemTextQuery>("nvmlSystemGetDriverVersion");
        GetCount = Bind<CountQuery>("nvmlDeviceGetCount_v2");
        GetHandleByIndex = Bind<HandleQuery>("nvmlDeviceGetHandleByIndex_v2");
        GetHandleByPciBusId = Bind<BusHandleQuery>("nvmlDeviceGetHandleByPciBusId_v2");
        GetName = Bind<TextQuery>("nvmlDeviceGetName");
        GetUuid = Bind<TextQuery>("nvmlDeviceGetUUID");
        GetPowerUsage = Bind<UintQuery>("nvmlDeviceGetPowerUsage");
        GetEnforcedPowerLimit = Bind<UintQuery>("nvmlDeviceGetEnforcedPowerLimit");
        GetTotalEnergyConsumption = Bind<UlongQuery>("nvmlDeviceGetTotalEnergyConsumption");
        GetTemperature = Bind<TypedUintQuery>("nvmlDeviceGetTemperature");
        GetClockInfo = Bind<TypedUintQuery>("nvmlDeviceGetClockInfo");
        GetMaxClockInfo = Bind<TypedUintQuery>("nvmlDeviceGetMaxClockInfo");
        GetUtilizationRates = Bind<UtilizationQuery>("nvmlDeviceGetUtilizationRates");
        GetMemoryInfo = Bind<MemoryQuery>("nvmlDeviceGetMemoryInfo");
        // Drivers before r535 name the reason mask "throttle reasons"; newer ones keep that name as an alias.
        GetClockReasons = TryBind<UlongQuery>("nvmlDeviceGetCurrentClocksEventReasons")
                          ?? Bind<UlongQuery>("nvmlDeviceGetCurrentClocksThrottleReasons");
        GetSupportedClockReasons = TryBind<UlongQuery>("nvmlDeviceGetSupportedClocksEventReasons")
                                   ?? Bind<UlongQuery>("nvmlDeviceGetSupportedClocksThrottleReasons");
    }

    /// <summary><c>nvmlInit_v2</c>.</summary>
    public Call Init { get; }
    /// <summary><c>nvmlShutdown</c>.</summary>
    public Call Shutdown { get; }
    /// <summary><c>nvmlErrorString</c>.</summary>
    public ErrorText ErrorString { get; }
    /// <summary><c>nvmlSystemGetDriverVersion</c>.</summary>
    public SystemTextQuery GetDriverVersion { get; }
    /// <summary><c>nvmlDeviceGetCount_v2</c>.</summary>
    public CountQuery GetCount { get; }
    /// <summary><c>nvmlDeviceGetHandleByIndex_v2</c>.</summary>
    public HandleQuery GetHandleByIndex { get; }
    /// <summary><c>nvmlDeviceGetHandleByPciBusId_v2</c>.</summary>
    public BusHandleQuery GetHandleByPciBusId { get; }
    /// <summary><c>nvmlDeviceGetName</c>.</summary>
    public TextQuery GetName { get; }
    /// <summary><c>nvmlDeviceGetUUID</c>.</summary>
    public TextQuery GetUuid { get; }
    /// <summary><c>nvmlDeviceGetPowerUsage</c> (mW).</summary>
    public UintQuery GetPowerUsage { get; }
    /// <summary><c>nvmlDeviceGetEnforcedPowerLimit</c> (mW).</summary>
    public UintQuery GetEnforcedPowerLimit { get; }
    /// <summary><c>nvmlDeviceGetTotalEnergyConsumption</c> (mJ since the driver loaded).</summary>
    public UlongQuery GetTotalEnergyConsumption { get; }
    /// <summary><c>nvmlDeviceGetTemperature</c> (°C).</summary>
    public TypedUintQuery GetTemperature { get; }
    /// <summary><c>nvmlDeviceGetClockInfo</c> (MHz).</summary>
    public TypedUintQuery GetClockInfo { get; }
    /// <summary><c>nvmlDeviceGetMaxClockInfo</c> (MHz).</summary>
    public TypedUintQuery GetMaxClockInfo { get; }
    /// <summary><c>nvmlDeviceGetUtilizationRates</c> (%).</summary>
    public UtilizationQuery GetUtilizationRates { get; }
    /// <summary><c>nvmlDeviceGetMemoryInfo</c> (bytes).</summary>
    public MemoryQuery GetMemoryInfo { get; }
    /// <summary><c>nvmlDeviceGetCurrentClocksEventReasons</c> (or its older name): the reason bit mask.</summary>
    public UlongQuery GetClockReasons { get; }
    /// <summary><c>nvmlDeviceGetSupportedClocksEventReasons</c> (or its older name).</summary>
    public UlongQuery GetSupportedClockReasons { get; }

    /// <summary>Loads <paramref name="library"/> (a name the loader searches for, or a path).</summary>
    /// <exception cref="GpuUnavailableException">No such library, or one without NVML's entry points.</exception>
    public static NvmlReadOnly Load(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
            throw new GpuUnavailableException($"{library} not found (no NVIDIA driver on this machine)");
        try
        {
            return new NvmlReadOnly(handle, library);
        }
        catch
        {
            NativeLibrary.Free(handle);
            throw;
        }
    }

    /// <summary>The library's name on this operating system.</summary>
    public static string DefaultLibrary => OperatingSystem.IsWindows() ? "nvml.dll" : "libnvidia-ml.so.1";

    public void Dispose() => NativeLibrary.Free(_handle);
}
