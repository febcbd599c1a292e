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
