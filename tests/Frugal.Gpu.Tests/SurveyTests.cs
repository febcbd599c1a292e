using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Gpu.Analysis;
using Frugal.Gpu.Measurements;
using Frugal.Gpu.Nvml;
using Frugal.Gpu.Survey;

namespace Frugal.Gpu.Tests;

/// <summary>The §3.3 protocol without a GPU: the CPU accelerator, sensors absent, records analyze reads.</summary>
public class SurveyTests
{
    private static SurveyRecord CpuRun(int kernels = 4)
    {
        var progress = new List<SurveyProgress>();
        var records = GpuSurvey.Run(AcceleratorKind.Cpu, null, new SurveyPlan(Size: 16, Kernels: kernels),
            p => { lock (progress) progress.Add(p); });
        Assert.Equal(Enumerable.Range(0, kernels + 1), progress.Select(p => p.Done));
        return Assert.Single(records);
    }

    [Fact]
    public void On_the_cpu_accelerator_the_protocol_runs_with_every_sensor_absent()
    {
        var r = CpuRun();
        Assert.Equal(("sgemm", "cpu", 16, 4), (r.Exp, r.Accelerator, r.N, r.Kernels));
        Assert.Equal(4, r.KernelMs.Count);
        Assert.Equal((r.KernelMs[1] + r.KernelMs[2]) / 2, r.Perf, 12);
        Assert.Equal(2.0 * 16 * 16 * 16 / (r.Perf * 1e-3) / 1e12, r.Tflops, 12);
        Assert.Equal((0, null, null, null), (r.Samples, r.SmClockMHz, r.PowerW, r.EnergyJ));
        Assert.Empty(r.Reasons);
        Assert.StartsWith("cpu-", r.Uuid);
    }

    [Fact]
    public void Analyze_reads_what_the_survey_writes()
    {
        var dir = Directory.CreateTempSubdirectory("frugal-survey").FullName;
        try
        {
            var measured = CpuRun(kernels: 3);
            // A second GPU by hand, with sensors and a name holding a comma, so the table has a spread to analyse.
            var other = measured with
            {
                Uuid = "GPU-b",
                Name = "Fake GPU, 16GB",
                Device = 1,
                Perf = measured.Perf * 1.5,
                SmClockMHz = 1380,
                PowerW = 260,
                TemperatureC = 61,
                Reasons = new Dictionary<string, int> { ["SwPowerCap"] = 3 },
            };
            var path = Path.Combine(dir, "survey.csv");
            SurveyRecordTable.WriteCsv(path, [measured, other]);
            var runs = RunTableReader.Read(path);
            Assert.Equal(2, runs.Count);
            Assert.Equal(new GpuRun("sgemm", "local", measured.Uuid, Environment.MachineName, 0,
                measured.Perf), runs[0] with { Perf = measured.Perf });
            Assert.Equal(measured.Perf, runs[0].Perf, measured.Perf * 1e-6); // seven significant digits
            Assert.Equal((1, 1380.0, 260.0, 61.0), (runs[1].Device, runs[1].SmClockMHz!.Value, runs[1].PowerW!.Value,
                runs[1].TemperatureC!.Value));
            var summary = Assert.Single(VariationStatistics.ByAppAndCluster(runs));
            Assert.Equal(1.2, summary.Max, 5); // 1.5 / the median of (1, 1.5)
            Assert.Contains(";", File.ReadAllLines(path)[2].Split(',')[^1]); // three kernel times in one field

            SurveyRecordTable.WriteJson(Path.Combine(dir, "survey.json"), [measured, other]);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "survey.json")));
            Assert.Equal(3, json.RootElement[1].GetProperty("reasons").GetProperty("SwPowerCap").GetInt32());
            Assert.False(json.RootElement[0].TryGetProperty("powerW", out _)); // absent sensors are left out
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(0, 3, 1000, "size", "the matrix size is 0; it must be from 1 to 46340")]
    [InlineData(64, 2, 1000, "kernels",
        "2 timed kernels are too few: the first and the last are left out, so at least 3")]
    [InlineData(64, 3, 99, "sample-ms", "the sampling period is 99 ms; NVML's readings need at least 100 ms")]
    public void A_plan_out_of_range_names_its_setting(int size, int kernels, int sampleMs, string setting,
        string message)
    {
        var e = Assert.Throws<BadInputException>(() => new SurveyPlan(size, kernels, sampleMs).Validated());
        Assert.Equal((setting, message), (e.Setting, e.Message));
    }

    [Fact]
    public void The_size_is_shrunk_to_half_the_free_memory_and_one_asked_for_must_fit()
    {
        const long free = 24L << 20; // half holds exactly three 1024² fp32 matrices
        Assert.Equal(1024, SurveySize.Largest(free));
        Assert.Equal(1024, SurveySize.Choose(null, SurveyPlan.GpuDefaultSize, free));
        Assert.Equal(32, SurveySize.Choose(null, SurveyPlan.CpuDefaultSize, free));
        Assert.Equal(1024, SurveySize.Choose(1024, SurveyPlan.GpuDefaultSize, free));
        Assert.Equal(Sgemm.MaxSize, SurveySize.Largest(1L << 40));
        var e = Assert.Throws<BadInputException>(() => SurveySize.Choose(25536, SurveyPlan.GpuDefaultSize, 8L << 30));
        Assert.Equal("size 25536 needs 7.3 GiB for A, B and C, more than half of the device's 8.0 GiB free; the " +
                     "largest size that fits is 18918", e.Message); // √(8 GiB / 24) = 18918.6
    }

    [Fact]
    public void The_sensor_window_lies_strictly_inside_the_first_and_the_last_kernel()
    {
        static TimedReading At(long t, double watts) =>
            new(t, SensorReading.Absent with { PowerW = watts });
        var samples = new[] { At(5, 1), At(10, 2), At(15, 3), At(20, 4) };
        Assert.Equal([2.0, 3.0], SurveyProtocol.Window(samples, 10, 20).Select(r => r.PowerW!.Value));
        // A run shorter than one period caught none inside: all of them stand for it.
        Assert.Equal(4, SurveyProtocol.Window(samples, 11, 12).Count);
    }

    [Fact]
    public void The_reason_histogram_counts_samples_per_bit()
    {
        var histogram = ClockReasons.Histogram([0x4, 0x4 | 0x20, 0x0, 0x1]);
        Assert.Equal(new Dictionary<string, int> { ["GpuIdle"] = 1, ["SwPowerCap"] = 2, ["SwThermalSlowdown"] = 1 },
            histogram);
    }

    [Fact]
    public void The_cpu_accelerator_is_device_0_alone()
    {
        var e = Assert.Throws<GpuUnavailableException>(() =>
            GpuSurvey.Run(AcceleratorKind.Cpu, [1], new SurveyPlan(Size: 16, Kernels: 3), _ => { }));
        Assert.Contains("the CPU accelerator is device 0 alone", e.Message);
    }
}
