using Frugal.Core.IO;

namespace Frugal.Cli.Tests;

public class GpuCommandTests
{
    private static string Pal()
    {
        var root = ReferenceData.Locate("pal");
        Skip.If(root is null, "data/pal is not in this checkout");
        return root;
    }

    [SkippableFact]
    public void Analyze_prints_statistics_writes_plots_and_exports_a_pal_table()
    {
        var dir = Directory.CreateTempSubdirectory("frugal-gpu").FullName;
        var table = Path.Combine(dir, "gpus.csv");
        var (code, output, errors) = CliRunner.Run("gpu", "analyze", "--input",
            Path.Combine(Pal(), "aggregated_data", "frontera"), "--app", "resnet", "--export", table, "--out", dir);
        Assert.True(code == 0, errors);
        Assert.Contains("frontera", output);
        Assert.True(File.Exists(Path.Combine(dir, "gpu-ratio-cdf.png")));
        Assert.StartsWith(",GPU_ID,GPU_UUID,Local_GPU_ID,Node_ID,IP_addr,IN_USE,JOB_IDS,PerfVar_classA",
            File.ReadAllText(table));
        Assert.Equal(297, File.ReadAllLines(table).Length);
    }

    [SkippableFact]
    public void A_trace_job_whose_class_the_gpu_table_lacks_is_one_line_and_exit_2()
    {
        var root = Pal();
        var table = Path.Combine(Directory.CreateTempSubdirectory("frugal-gpu").FullName, "a-only.csv");
        File.WriteAllText(table, "GPU_ID,Node_ID,PerfVar_classA\n0,0,1.0\n1,0,1.1\n");
        var (code, _, errors) = CliRunner.Run("schedule", "simulate", "--placement", "pal", "--variability", table,
            "--trace", Path.Combine(root, "sia-philly", "workload-1.csv"));
        Assert.Equal(2, code);
        CliRunner.AssertOneLineError(errors, "workload-1.csv:2: class C (vgg19) has no PerfVar_classC column");
    }

    [SkippableFact]
    public void Placement_simulation_runs_a_sia_philly_trace()
    {
        var (code, output, errors) = CliRunner.Run("schedule", "simulate", "--placement", "pm-first", "--round",
            "360", "--trace", Path.Combine(Pal(), "sia-philly", "workload-4.csv"));
        Assert.True(code == 0, errors);
        Assert.Contains("pm-first + fifo", output);
    }
}

public class GpuSurveyCommandTests
{
    [Fact]
    public void A_cpu_survey_writes_records_that_analyze_reads()
    {
        var dir = Directory.CreateTempSubdirectory("frugal-gpu-survey").FullName;
        var (code, output, errors) = CliRunner.Run("gpu", "survey", "--accelerator", "cpu", "--size", "16",
            "--kernels", "3", "--sample-ms", "100", "--out", dir);
        Assert.True(code == 0, errors);
        Assert.Contains("SGEMM survey (cpu)", output);
        Assert.Contains("3/3", output);
        Assert.Contains("CPU accelerator: sensors absent", output);
        var csv = Path.Combine(dir, "survey.csv");
        Assert.StartsWith("exp,cluster,uuid,", File.ReadAllText(csv));
        Assert.True(File.Exists(Path.Combine(dir, "survey.json")));

        (code, output, errors) = CliRunner.Run("gpu", "analyze", "--input", csv, "--out", dir);
        Assert.True(code == 0, errors);
        Assert.Contains("sgemm", output);
        Assert.Contains("local", output);
    }

    [SkippableFact]
    public void Without_nvml_the_survey_says_so_in_one_line_and_exits_2()
    {
        Skip.If(System.Runtime.InteropServices.NativeLibrary.TryLoad("libnvidia-ml.so.1", out _),
            "this machine has NVML: the survey would run");
        var (code, _, errors) = CliRunner.Run("gpu", "survey", "--out",
            Directory.CreateTempSubdirectory("frugal-gpu-survey").FullName);
        Assert.Equal(2, code);
        CliRunner.AssertOneLineError(errors, "--accelerator: no GPU to survey: libnvidia-ml.so.1 not found (no " +
            "NVIDIA driver on this machine); the CPU accelerator runs the same protocol (--accelerator cpu)");
    }

    [SkippableFact]
    public void A_size_that_does_not_fit_is_one_line_naming_the_largest_that_would()
    {
        // 46340² fp32 matrices take 24 GiB together: more than half of what this process may allocate here.
        Skip.If(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes > 48L << 30, "this machine could hold the survey");
        var (code, _, errors) = CliRunner.Run("gpu", "survey", "--accelerator", "cpu", "--size", "46340", "--out",
            Directory.CreateTempSubdirectory("frugal-gpu-survey").FullName);
        Assert.Equal(2, code);
        CliRunner.AssertOneLineError(errors, "--size: size 46340 needs 24.0 GiB for A, B and C, more than half of");
        Assert.Contains("the largest size that fits is ", errors);
    }

    [Theory]
    [InlineData("--kernels", "2", "--kernels: 2 timed kernels are too few")]
    [InlineData("--accelerator", "rocm", "--accelerator: 'rocm' is neither cuda nor cpu.")]
    [InlineData("--devices", "0,x", "--devices: '0,x' is not a list of device indices like 0,2.")]
    public void Bad_survey_options_are_one_line(string option, string value, string mentions)
    {
        var (code, _, errors) = CliRunner.Run("gpu", "survey", "--accelerator", "cpu", option, value, "--out",
            Directory.CreateTempSubdirectory("frugal-gpu-survey").FullName);
        Assert.Equal(2, code);
        CliRunner.AssertOneLineError(errors, mentions);
    }
}
