using System.Globalization;
using Frugal.Gpu.Nvml;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Frugal.Gpu.Survey;

/// <summary>One device a survey runs on: its accelerator, its identity and its sensors.</summary>
internal sealed class SurveyTarget(AcceleratorKind kind, int device, Accelerator accelerator, string uuid,
    string name, string driver, IGpuSensors sensors, Func<long> freeMemoryBytes) : IDisposable
{
    public AcceleratorKind Kind => kind;
    public int Device => device;
    public Accelerator Accelerator => accelerator;
    public string Uuid => uuid;
    public string Name => name;
    public string Driver => driver;
    public string Node => Environment.MachineName;
    public IGpuSensors Sensors => sensors;

    /// <summary>n when the plan names none (before shrinking to fit).</summary>
    public int DefaultSize => kind == AcceleratorKind.Cuda ? SurveyPlan.GpuDefaultSize : SurveyPlan.CpuDefaultSize;

    /// <summary>Device memory free now (bytes).</summary>
    public long FreeMemoryBytes() => freeMemoryBytes();

    public void Dispose() => accelerator.Dispose();
}

/// <summary>
/// The devices of one survey, opened together and closed together: the ILGPU context, NVML (on CUDA) and one
/// <see cref="SurveyTarget"/> per device.
/// </summary>
internal sealed class SurveyDevices : IDisposable
{
    private readonly Context _context;
    private readonly NvmlSession? _nvml;

    private SurveyDevices(Context context, NvmlSession? nvml, IReadOnlyList<SurveyTarget> targets)
    {
        _context = context;
        _nvml = nvml;
        Targets = targets;
    }

    public IReadOnlyList<SurveyTarget> Targets { get; }

    /// <summary>
    /// Opens the CPU accelerator (its sensors absent), or the CUDA devices with the given indices (every one when
    /// null), each matched to NVML by its PCI bus id.
    /// </summary>
    /// <exception cref="GpuUnavailableException">No NVML, no CUDA device, or no device with an index asked for.
    /// </exception>
    public static SurveyDevices Open(AcceleratorKind kind, IReadOnlyList<int>? devices, string nvmlLibrary)
    {
        if (kind == AcceleratorKind.Cpu)
        {
            if (devices is { Count: > 0 } && devices.Any(d => d != 0))
                throw new GpuUnavailableException("the CPU accelerator is device 0 alone");
            var context = Context.Create(b => b.CPU());
            var accelerator = context.CreateCPUAccelerator(0);
            return new SurveyDevices(context, null, [new SurveyTarget(kind, 0, accelerator,
                $"cpu-{Environment.MachineName}", accelerator.Name, "", NoSensors.Instance, CpuFreeMemory)]);
        }
        var nvml = NvmlSession.Open(nvmlLibrary);
        try
        {
            var cuda = Context.Create(b => b.Cuda());
            try
            {
                return new SurveyDevices(cuda, nvml, OpenCuda(cuda, nvml, devices));
            }
            catch
            {
                cuda.Dispose();
                throw;
            }
        }
        catch
        {
            nvml.Dispose();
            throw;
        }
    }

    private static SurveyTarget[] OpenCuda(Context context, NvmlSession nvml, IReadOnlyList<int>? devices)
    {
        var all = new List<CudaDevice>();
        foreach (var cudaDevice in context.GetCudaDevices()) all.Add(cudaDevice);
        if (all.Count == 0) throw new GpuUnavailableException("NVML sees GPUs but CUDA none (no CUDA driver?)");
        var chosen = devices ?? [.. Enumerable.Range(0, all.Count)];
        if (chosen.FirstOrDefault(d => d < 0 || d >= all.Count, -1) is var missing and >= 0)
            throw new GpuUnavailableException($"CUDA lists {all.Count} GPU(s), none with index {missing}");
        var targets = new List<SurveyTarget>();
        try
        {
            foreach (var index in chosen)
            {
                var device = all[index];
                var gpu = nvml.ByPciBusId(string.Create(CultureInfo.InvariantCulture,
                    $"{device.PCIDomainId:x8}:{device.PCIBusId:x2}:{device.PCIDeviceId:x2}.0"));
                targets.Add(new SurveyTarget(AcceleratorKind.Cuda, index, device.CreateAccelerator(context), gpu.Uuid,
                    gpu.Name, nvml.DriverVersion, gpu, gpu.FreeMemoryBytes));
            }
            return [.. targets];
        }
        catch
        {
            foreach (var target in targets) target.Dispose();
            throw;
        }
    }

    /// <summary>What the process may still allocate: the GC's limit (the container's, where there is one) less
    /// what it holds.</summary>
    private static long CpuFreeMemory() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false);

    public void Dispose()
    {
        foreach (var target in Targets) target.Dispose();
        _context.Dispose();
        _nvml?.Dispose();
    }
}
