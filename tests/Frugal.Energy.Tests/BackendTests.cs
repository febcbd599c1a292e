using System.Runtime.InteropServices;
using Frugal.Core.Errors;
using Frugal.Energy.Backends;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Tests;

public sealed class BackendTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "frugal-energy-" + Guid.NewGuid().ToString("N"));

    public BackendTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string Gpu = "sys/devices/gpu.0/devfreq/17000000.ga10b";
    private const string Emc = "sys/kernel/debug/bpmp/debug/clk/emc";

    /// <summary>A fake Orin sysfs tree: GPU devfreq, EMC, two CPUs, each file with its original value.</summary>
    private Dictionary<string, string> WriteTree()
    {
        var files = new Dictionary<string, string>
        {
            [$"{Gpu}/available_frequencies"] = "306000000 624750000 828750000 1300500000",
            [$"{Gpu}/cur_freq"] = "1300500000", [$"{Gpu}/min_freq"] = "306000000", [$"{Gpu}/max_freq"] = "1300500000",
            [$"{Gpu}/governor"] = "nvhost_podgov",
            [$"{Emc}/rate"] = "3199000000", [$"{Emc}/min_rate"] = "204000000", [$"{Emc}/max_rate"] = "3199000000",
            [$"{Emc}/mrq_rate_locked"] = "0", [$"{Emc}/possible_rates"] = "204000000 665600000 2133000000 3199000000",
        };
        foreach (var cpu in new[] { "cpu0", "cpu1" })
        {
            var f = $"sys/devices/system/cpu/{cpu}/cpufreq";
            files[$"{f}/scaling_available_frequencies"] = "729600 1220000 2201600";
            files[$"{f}/scaling_min_freq"] = "729600";
            files[$"{f}/scaling_max_freq"] = "2201600";
            files[$"{f}/scaling_cur_freq"] = "2201600";
            files[$"{f}/scaling_governor"] = "schedutil";
        }
        foreach (var (path, value) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, path))!);
            File.WriteAllText(Path.Combine(_root, path), value);
        }
        return files;
    }

    private DeviceOptions Options(bool allow) =>
        new("orin-like", Simulation.MeasurementNoise.None, new Core.Randomness.SeedTree(1), allow, Path.Combine(_root,
            "journals"), _root);

    private string ReadTree(string path) => File.ReadAllText(Path.Combine(_root, path));

    private static readonly HardwareConfig Low = new(624.75, 665.6, 1220, 4);

    [Fact]
    public void JetsonDescribesItsGridFromSysfs()
    {
        WriteTree();
        using var device = DeviceCatalog.Devices.Get("jetson")(Options(allow: false));
        var grid = device.Describe().Grid;
        Assert.Equal([306, 624.75, 828.75, 1300.5], grid.GpuMHz);
        Assert.Equal([204, 665.6, 2133, 3199], grid.MemoryMHz);
        Assert.Equal([729.6, 1220, 2201.6], grid.CpuMHz);
    }

    private void WriteFiles(Dictionary<string, string> files)
    {
        foreach (var (path, value) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, path))!);
            File.WriteAllText(Path.Combine(_root, path), value);
        }
    }

    private async Task<Measurement> MeasureJetson()
    {
        using var device = DeviceCatalog.Devices.Get("jetson")(Options(allow: false));
        return await device.MeasureAsync(new Workload("vision", 4), 0.12);
    }

    [Fact]
    public async Task JetsonOrinPowerIsTheSumOfItsComponentRails()
    {
        WriteTree();
        const string hwmon = "sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3";
        WriteFiles(new()
        {
            [$"{hwmon}/in1_label"] = "VDD_GPU_SOC", [$"{hwmon}/in1_input"] = "5000", [$"{hwmon}/curr1_input"] = "2000",
            [$"{hwmon}/in2_label"] = "VDD_CPU_CV", [$"{hwmon}/in2_input"] = "5000", [$"{hwmon}/curr2_input"] = "400",
            // The board input carries the same power again; not a component.
            [$"{hwmon}/in3_label"] = "VIN_SYS_5V0", [$"{hwmon}/in3_input"] = "5000", [$"{hwmon}/curr3_input"] = "3000",
            ["sys/bus/i2c/drivers/ina3221/1-0041/hwmon/hwmon4/in1_label"] = "NC",
        });
        var m = await MeasureJetson();
        Assert.Equal(12, m.PowerW, 9);
        Assert.Equal("ina3221 VDD_GPU_SOC+VDD_CPU_CV", m.Sensor);
        Assert.True(double.IsNaN(m.EnergyPerQueryJ));
        Assert.Equal(1300.5, m.Clocks.GpuMHz);
    }

    [Fact]
    public async Task JetsonTx2PowerIsItsTotalInputRailAndABoardWithoutRailsSaysSo()
    {
        WriteTree();
        Assert.True(double.IsNaN((await MeasureJetson()).PowerW));
        Assert.Equal("none (no INA3221 rails)", (await MeasureJetson()).Sensor);
        const string iio = "sys/bus/i2c/drivers/ina3221x/0-0041/iio:device1";
        WriteFiles(new()
        {
            [$"{iio}/rail_name_0"] = "VDD_IN", [$"{iio}/in_power0_input"] = "7000",
            [$"{iio}/rail_name_1"] = "VDD_SYS_GPU", [$"{iio}/in_power1_input"] = "3000",
        });
        var m = await MeasureJetson();
        Assert.Equal(7, m.PowerW, 9);
        Assert.Equal("ina3221 VDD_IN", m.Sensor);
    }

    private const string OrinRails = "sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3";

    /// <summary>A fake Orin drawing 12 W on its component rails.</summary>
    private Dictionary<string, string> WriteTreeWithRails()
    {
        var files = WriteTree();
        WriteFiles(new()
        {
            [$"{OrinRails}/in1_label"] = "VDD_GPU_SOC", [$"{OrinRails}/in1_input"] = "5000",
            [$"{OrinRails}/curr1_input"] = "2000",
            [$"{OrinRails}/in2_label"] = "VDD_CPU_CV", [$"{OrinRails}/in2_input"] = "5000",
            [$"{OrinRails}/curr2_input"] = "400",
        });
        return files;
    }

    [Fact]
    public async Task AWorkloadCommandGivesARealDeviceLatencyAndEnergyPerQuery()
    {
        WriteTreeWithRails();
        using var device = new WorkloadCommandDevice(DeviceCatalog.Devices.Get("jetson")(Options(allow: false)),
            "test \"$FRUGAL_STAGE\" = pipeline || exit 9; for ms in 10 20 30 40 50 60 70 80 90 100; do " +
            "echo $((ms * FRUGAL_BATCH / 4)); done");
        var m = await device.MeasureAsync(new Workload("vision", 8), 0.1);
        Assert.Equal(110, m.LatencyMs, 9);
        Assert.Equal(200, m.LatencyP95Ms, 9);
        Assert.Equal(12, m.PowerW, 9);
        // Energy per query and throughput come from the same run time: their product is the power.
        Assert.Equal(12, m.EnergyPerQueryJ * m.Throughput, 6);
        var e = await Assert.ThrowsAsync<BadInputException>(() =>
            device.MeasureAsync(new Workload("vision", 1, WorkloadStage.Preprocessing), 0.05));
        Assert.Equal("the workload command exited with code 9", e.Message);
        Assert.Equal(WorkloadCommandDevice.Setting, e.Setting);
    }

    [Theory]
    [InlineData("12\nfast\n", "output line 2: 'fast' is not a batch latency")]
    [InlineData("12\n-3\n", "output line 2: '-3' is not a batch latency")]
    [InlineData("\n", "finished no batch in the window")]
    public void WorkloadOutputIsCheckedLineByLine(string output, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => WorkloadCommandDevice.Latencies(output));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task ARealDeviceIsTunedUnderAWorkloadCommandAndItsClocksComeBack()
    {
        var files = WriteTreeWithRails();
        // The model's latency follows the GPU clock the tuner pinned (max_freq) and grows with the batch.
        var command = $"f=$(cat '{_root}/{Gpu}/max_freq'); n=0; while [ $n -lt 5 ]; do " +
                      "echo $((100 * 1300500000 / f * (FRUGAL_BATCH + 1) / 2)); n=$((n + 1)); done";
        using var device = new WorkloadCommandDevice(DeviceCatalog.Devices.Get("jetson")(Options(allow: true)),
            command);
        var plan = new Search.TuningPlan("vision", SloMs: 500, Budget: 6, WindowSeconds: 0.02);
        var result = await Search.TwoPhaseTuner.RunAsync(device, plan, new Core.Randomness.SeedTree(3));
        Assert.True(result.RecommendedLatencyMs <= 500, $"recommended latency {result.RecommendedLatencyMs} ms");
        Assert.InRange(result.SearchSamples.Count, plan.InitialDesign + 1, plan.Budget);
        Assert.All(files, f => Assert.Equal(f.Value, ReadTree(f.Key)));
    }

    [Fact]
    public async Task RealBackendsRefuseWritesWithoutTheFlagAndChangeNothing()
    {
        var files = WriteTree();
        using (var device = DeviceCatalog.Devices.Get("jetson")(Options(allow: false)))
        {
            var e = await Assert.ThrowsAsync<ClockChangesNotAllowedException>(() => device.ApplyAsync(Low));
            Assert.Equal(ClockChangesNotAllowedException.ClockChangesSetting, e.Setting);
        }
        Assert.All(files, f => Assert.Equal(f.Value, ReadTree(f.Key)));
        Assert.False(Directory.Exists(Path.Combine(_root, "journals")) && Directory.EnumerateFiles(Path.Combine(_root,
            "journals")).Any());
    }

    [Fact]
    public async Task JournalRestoresEveryChangedValueAfterACrash()
    {
        var files = WriteTree();
        var crashed = DeviceCatalog.Devices.Get("jetson")(Options(allow: true));
        await crashed.ApplyAsync(Low);
        await crashed.ApplyAsync(Low with { GpuMHz = 1300.5 });
        Assert.Equal("1300500000", ReadTree($"{Gpu}/min_freq"));
        Assert.Equal("1", ReadTree($"{Emc}/mrq_rate_locked"));
        Assert.Equal("1220000", ReadTree("sys/devices/system/cpu/cpu1/cpufreq/scaling_max_freq"));
        var journal = Directory.GetFiles(Path.Combine(_root, "journals")).Single();
        // The process dies here: no finally, no Dispose. The next start finds the journal and restores it.
        using (DeviceCatalog.Devices.Get("jetson")(Options(allow: true)))
        {
            Assert.All(files, f => Assert.Equal(f.Value, ReadTree(f.Key)));
            Assert.False(File.Exists(journal));
        }
    }

    [Fact]
    public async Task DisposeRestoresAndAJournalOfAnotherDeviceIsRefused()
    {
        var files = WriteTree();
        using (var device = DeviceCatalog.Devices.Get("jetson")(Options(allow: true)))
            await device.ApplyAsync(Low);
        Assert.All(files, f => Assert.Equal(f.Value, ReadTree(f.Key)));

        var options = Options(allow: true);
        var path = options.JournalPath("jetson", "17000000.ga10b");
        new ClockJournal(path, "jetson", "17000000.gp10b").Record([new JournalEntry($"{Gpu}/min_freq", "1")]);
        var e = Assert.Throws<BadInputException>(() => DeviceCatalog.Devices.Get("jetson")(options));
        Assert.Contains("another device", e.Message);
        Assert.Equal(files[$"{Gpu}/min_freq"], ReadTree($"{Gpu}/min_freq"));
    }

    [Fact]
    public void RaplDeltaHandlesWrapAround()
    {
        Assert.Equal(500UL, RaplDevice.Delta(1000, 1500, 262143328850));
        Assert.Equal(300UL, RaplDevice.Delta(262143328850 - 100, 200, 262143328850));
    }

    [Fact]
    public async Task RaplReadsPowerFromTheCounters()
    {
        var zone = Path.Combine(_root, "sys/class/powercap/intel-rapl:0");
        Directory.CreateDirectory(zone);
        File.WriteAllText(Path.Combine(zone, "energy_uj"), "123456");
        File.WriteAllText(Path.Combine(zone, "max_energy_range_uj"), "262143328850");
        using var device = DeviceCatalog.Devices.Get("rapl")(Options(allow: true));
        var m = await device.MeasureAsync(new Workload("vision", 1), 0.01);
        Assert.Equal(0, m.PowerW);
        await Assert.ThrowsAsync<ClockChangesNotAllowedException>(() => device.ApplyAsync(Low));
    }

    [Fact]
    public void AbsentBackendsSayUnavailableInOneLine()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() =>
            DeviceCatalog.Devices.Get("rapl")(Options(allow: false)));
        Assert.StartsWith("rapl unavailable: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<DeviceUnavailableException>(() => DeviceCatalog.Devices.Get("jetson")(Options(allow: false)));
    }

    [SkippableFact]
    public void NvmlSaysUnavailableWithoutTheDriver()
    {
        Skip.If(NativeLibrary.TryLoad("libnvidia-ml.so.1", out _), "this machine has NVML");
        var e = Assert.Throws<DeviceUnavailableException>(() =>
            DeviceCatalog.Devices.Get("nvml")(Options(allow: false)));
        Assert.StartsWith("nvml unavailable: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
