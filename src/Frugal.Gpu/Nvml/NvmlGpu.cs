namespace Frugal.Gpu.Nvml;

/// <summary>One GPU as NVML sees it: its identity, its free memory and its sensors (read, never changed).</summary>
internal sealed class NvmlGpu : IGpuSensors
{
    private const int TemperatureGpu = 0;
    private const int ClockSm = 1;
    private const int ClockMemory = 2;

    private readonly NvmlSession _session;
    private readonly NvmlReadOnly _nvml;
    private readonly IntPtr _device;

    internal NvmlGpu(NvmlSession session, NvmlReadOnly nvml, IntPtr device)
    {
        _session = session;
        _nvml = nvml;
        _device = device;
        Uuid = session.Text(b => nvml.GetUuid(device, b, (uint)b.Length), "the GPU's UUID");
        Name = session.Text(b => nvml.GetName(device, b, (uint)b.Length), "the GPU's name");
    }

    /// <summary>The GPU's UUID (<c>GPU-…</c>).</summary>
    public string Uuid { get; }

    /// <summary>The product name.</summary>
    public string Name { get; }

    /// <summary>Bytes of device memory free now.</summary>
    public long FreeMemoryBytes()
    {
        _session.Check(_nvml.GetMemoryInfo(_device, out var memory), "reading the GPU's memory");
        return (long)memory.Free;
    }

    /// <inheritdoc/>
    public bool Present => true;

    /// <summary>
    /// One reading of every sensor. A sensor this GPU lacks (NVML says not supported) or that fails to read is
    /// absent from the reading: a sample must not stop a run.
    /// </summary>
    public SensorReading Read()
    {
        double? U(int code, uint value, double scale = 1) => code == 0 ? value * scale : null;
        var power = U(_nvml.GetPowerUsage(_device, out var mw), mw, 1e-3);
        var sm = U(_nvml.GetClockInfo(_device, ClockSm, out var smMHz), smMHz);
        var memory = U(_nvml.GetClockInfo(_device, ClockMemory, out var memMHz), memMHz);
        var temperature = U(_nvml.GetTemperature(_device, TemperatureGpu, out var celsius), celsius);
        var utilization = _nvml.GetUtilizationRates(_device, out var busy) == 0 ? busy.Gpu : (double?)null;
        var reasons = _nvml.GetClockReasons(_device, out var mask) == 0 ? mask : (ulong?)null;
        var energy = _nvml.GetTotalEnergyConsumption(_device, out var mj) == 0 ? mj * 1e-3 : (double?)null;
        return new SensorReading(power, sm, memory, temperature, utilization, reasons, energy);
    }
}
