using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Frugal.Gpu.Nvml;
using Frugal.Gpu.Survey;
using Frugal.Tests.Fakes;
using ILGPU;
using ILGPU.Runtime.CPU;

namespace Frugal.Gpu.Tests;

/// <summary>The read-only fake NVML library, compiled once for the class (without a C compiler the tests skip).
/// </summary>
public sealed class FakeNvml : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-fake-nvml-ro-").FullName;

    public FakeNvml()
    {
        (var library, Problem) = NativeFake.Compile("fake-nvml-readonly.c", _folder);
        if (library is null) return;
        LibraryPath = library;
        Configure = Marshal.GetDelegateForFunctionPointer<ConfigureCall>(
            NativeLibrary.GetExport(NativeLibrary.Load(library), "fake_nvml_configure"));
    }

    public delegate void ConfigureCall(uint withoutEnergy, ulong freeBytes);

    /// <summary>Why the fake could not be built; null when it was.</summary>
    public string? Problem { get; }

    public string LibraryPath { get; } = "";

    public ConfigureCall Configure { get; } = (_, _) => { };

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>What the read-only binding reads from a fake NVML, and how the survey uses it.</summary>
public sealed class NvmlTests(FakeNvml fake) : IClassFixture<FakeNvml>
{
    private NvmlSession Open(bool withoutEnergy = false, ulong freeBytes = 8UL << 30)
    {
        Skip.If(fake.Problem is not null, fake.Problem);
        fake.Configure(withoutEnergy ? 1u : 0u, freeBytes);
        return NvmlSession.Open(fake.LibraryPath);
    }

    [SkippableFact]
    public void It_reads_identity_memory_and_every_sensor()
    {
        using var nvml = Open();
        Assert.Equal(("555.42.06", 2), (nvml.DriverVersion, nvml.Count));
        var gpu = nvml.ByIndex(1);
        Assert.Equal(("GPU-fake-0001", "Fake GPU, 16GB"), (gpu.Uuid, gpu.Name));
        Assert.Equal(8L << 30, gpu.FreeMemoryBytes());
        var reading = gpu.Read();
        Assert.Equal(new SensorReading(260, 1380, 1215, 61, 100, 0x24, 0), reading);
        Assert.Equal(1.0, gpu.Read().EnergyJ);
        Assert.Equal("GPU-fake-0000", nvml.ByPciBusId("00000000:01:00.0").Uuid);
    }

    [SkippableFact]
    public void A_sensor_the_gpu_lacks_is_absent_and_the_rest_still_read()
    {
        using var nvml = Open(withoutEnergy: true);
        var reading = nvml.ByIndex(0).Read();
        Assert.Null(reading.EnergyJ);
        Assert.Equal(250, reading.PowerW);
    }

    [SkippableFact]
    public void A_gpu_index_nvml_does_not_see_is_one_line()
    {
        using var nvml = Open();
        var e = Assert.Throws<GpuUnavailableException>(() => nvml.ByIndex(2));
        Assert.Equal("no GPU to survey: NVML sees 2 GPU(s), none with index 2; the CPU accelerator runs the same " +
                     "protocol", e.Message);
        Assert.Equal("accelerator", e.Setting);
    }

    [SkippableFact]
    public void The_protocol_records_medians_energy_and_reasons_from_the_sensors()
    {
        using var nvml = Open();
        var gpu = nvml.ByIndex(1);
        using var context = Context.Create(b => b.CPU());
        using var target = new SurveyTarget(AcceleratorKind.Cpu, 1, context.CreateCPUAccelerator(0), gpu.Uuid,
            gpu.Name, nvml.DriverVersion, gpu, gpu.FreeMemoryBytes);
        var record = SurveyProtocol.Run(target, new SurveyPlan(Size: 16, Kernels: 4, SampleMs: 100), _ => { },
            CancellationToken.None);
        Assert.Equal((1380.0, 1215.0, 260.0, 61.0, 61.0), (record.SmClockMHz!.Value, record.MemoryClockMHz!.Value,
            record.PowerW!.Value, record.TemperatureC!.Value, record.MaxTemperatureC!.Value));
        Assert.True(record.Samples >= 1);
        // The fake's counter grows by 1 J per read: at least the reading after the kernels.
        Assert.True(record.EnergyJ >= 1, $"energy {record.EnergyJ}");
        Assert.Equal(new Dictionary<string, int>
        {
            ["SwPowerCap"] = record.Samples,
            ["SwThermalSlowdown"] = record.Samples
        }, record.Reasons);
        Assert.Equal(("GPU-fake-0001", "555.42.06"), (record.Uuid, record.Driver));
    }

    [SkippableFact]
    public void A_size_that_does_not_fit_the_free_memory_names_the_largest_that_does()
    {
        // 24 MiB free: half of it holds three 1024×1024 fp32 matrices exactly.
        using var nvml = Open(freeBytes: 24UL << 20);
        var gpu = nvml.ByIndex(0);
        using var context = Context.Create(b => b.CPU());
        using var target = new SurveyTarget(AcceleratorKind.Cuda, 0, context.CreateCPUAccelerator(0), gpu.Uuid,
            gpu.Name, nvml.DriverVersion, gpu, gpu.FreeMemoryBytes);
        var e = Assert.Throws<Core.Errors.BadInputException>(() => SurveyProtocol.Run(target,
            new SurveyPlan(Size: 1025, Kernels: 3), _ => { }, CancellationToken.None));
        Assert.Equal("size 1025 needs 0.0 GiB for A, B and C, more than half of the device's 0.0 GiB free; the " +
                     "largest size that fits is 1024", e.Message);
        Assert.Equal("size", e.Setting);
    }

    [Fact]
    public void Without_nvml_the_survey_says_so_in_one_line()
    {
        var e = Assert.Throws<GpuUnavailableException>(() => GpuSurvey.Run(AcceleratorKind.Cuda, null,
            new SurveyPlan(), _ => { }, nvmlLibrary: "/nonexistent/libnvidia-ml.so.1"));
        Assert.Equal("no GPU to survey: /nonexistent/libnvidia-ml.so.1 not found (no NVIDIA driver on this " +
                     "machine); the CPU accelerator runs the same protocol", e.Message);
    }

    [Fact]
    public void A_library_without_nvmls_entry_points_is_refused_naming_one()
    {
        var e = Assert.Throws<GpuUnavailableException>(() => NvmlReadOnly.Load("libc.so.6"));
        Assert.Contains("libc.so.6 has no nvmlInit_v2", e.Message);
    }
}

/// <summary>
/// The survey measures GPUs as the site configured them: nothing in Frugal.Gpu may name an NVML entry point that
/// changes a GPU (design §3.1). Checked on the compiled assembly, so a setter bound anywhere, by any means that names
/// it, fails the build's tests.
/// </summary>
public class NvmlReadOnlyGuardTests
{
    private static readonly Regex ReadOnly =
        new(@"^nvml(Init_v2|Shutdown|ErrorString|(System|Device)Get[A-Za-z0-9_]+)$");

    private static readonly Regex EntryPoint = new("^nvml[A-Z][A-Za-z0-9_]*$");

    private static readonly Regex Changes = new("Set|Reset|Lock|Clear|Enable|Disable|Register|Freeze");

    /// <summary>Every string literal in the assembly that names an NVML function (nvml + an identifier).</summary>
    private static string[] NvmlNames()
    {
        using var pe = new PEReader(File.OpenRead(typeof(NvmlReadOnly).Assembly.Location));
        var metadata = pe.GetMetadataReader();
        var names = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
            if (metadata.GetUserString(handle) is var text && EntryPoint.IsMatch(text))
                names.Add(text);
        return [.. names];
    }

    [Fact]
    public void Every_nvml_entry_point_named_in_the_assembly_is_a_getter()
    {
        var names = NvmlNames();
        Assert.Contains("nvmlInit_v2", names);
        Assert.Contains("nvmlDeviceGetPowerUsage", names);
        Assert.All(names, name =>
        {
            Assert.Matches(ReadOnly, name);
            Assert.DoesNotMatch(Changes, name["nvml".Length..]);
        });
    }

    [Fact]
    public void The_binding_exposes_no_call_that_changes_a_gpu()
    {
        var members =
            typeof(NvmlReadOnly).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name)
            .ToArray();
        Assert.Contains(nameof(NvmlReadOnly.GetClockInfo), members);
        Assert.All(members, name => Assert.True(name.StartsWith("Get", StringComparison.Ordinal) ||
                                                name is "Init" or "Shutdown" or "ErrorString", name));
        Assert.All(members, name => Assert.DoesNotMatch(Changes, name));
    }
}
