using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Gpu.Analysis;
using Frugal.Gpu.Measurements;

namespace Frugal.Gpu.Tests;

public class ReaderTests
{
    private static IReadOnlyList<GpuRun> Parse(string text, string cluster = "longhorn") =>
        RunTableReader.Parse(new StringReader(text), "runs.csv", cluster, "file");

    [Fact]
    public void Longhorn_rows_give_app_node_device_and_sensor_medians()
    {
        var runs = Parse("exp,job_id,cab-node,uuid,device,perf,mean_freq,freq,temp,pwr\n" +
                         "resnet,1,c002-4,c002-4-1,1,419.4,1514.0,1530,43,82.091\n");
        Assert.Equal(new GpuRun("resnet", "longhorn", "c002-4-1", "c002-4", 1, 419.4, 1530, 82.091, 43), runs[0]);
    }

    [Fact]
    public void Frontera_pagerank_takes_the_app_from_model_and_the_node_from_cabinet_and_node()
    {
        var run = Parse("cabinet,device,model,node,perf_avg,perf,run,uuid\nc198,1,pagerank,41,1.0,2585,4,GPU-4\n",
            "frontera")[0];
        Assert.Equal(("pagerank", "c198-41", 1, 2585.0, (double?)null), (run.App, run.Node, run.Device, run.Perf,
            run.SmClockMHz));
    }

    [Theory]
    [InlineData("uuid,perf\nu,abc\n", "runs.csv:2: field 'perf' is 'abc', not a number")]
    [InlineData("uuid,perf\nu,-1\n", "runs.csv:2: field 'perf' is -1; a run's time must be positive")]
    [InlineData("uuid,perf\nu\n", "runs.csv:2: 1 fields where the header has 2")]
    [InlineData("uuid,time\nu,1\n", "runs.csv: the header has no 'perf' column (a run table needs uuid and perf)")]
    [InlineData("uuid,perf\n,1\n", "runs.csv:2: field 'uuid' is empty")]
    public void Malformed_tables_fail_with_file_line_and_field(string text, string message) =>
        Assert.Equal(message, Assert.Throws<BadInputException>(() => Parse(text)).Message);

    [Theory]
    [InlineData("resnet-longhorn-agg.csv", "longhorn")]
    [InlineData("frontera-bert-agg.csv", "frontera")]
    [InlineData("resnet-ls6-agg.csv", "lonestar6")]
    [InlineData("survey.csv", "local")]
    public void The_cluster_comes_from_the_file_name(string name, string cluster) =>
        Assert.Equal(cluster, RunTableReader.ClusterFromName(name));

    [SkippableFact]
    public void The_shipped_frontera_files_reproduce_the_32_gpu_table()
    {
        var root = ReferenceData.Locate("pal");
        Skip.If(root is null, "data/pal is not in this checkout");
        var folder = Path.Combine(root, "aggregated_data", "frontera");
        var resnet = VariationStatistics.Compute("resnet", "frontera",
            RunTableReader.ReadFile(Path.Combine(folder, "frontera-resnet-agg.csv")));
        var table = File.ReadAllLines(Path.Combine(root, "32gpu-variability.csv")).Skip(1)
            .Select(l => l.Split(',')).ToArray();
        Assert.Equal(32, table.Length);
        foreach (var row in table)
            Assert.Equal(double.Parse(row[8], System.Globalization.CultureInfo.InvariantCulture),
                resnet.Gpus.Single(g => g.Uuid == row[2]).Ratio, 12);
    }
}
