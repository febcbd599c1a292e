using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Scheduling.GpuPlacement;
using Frugal.Scheduling.Traces;

namespace Frugal.Scheduling.Tests.GpuPlacement;

public class SiaInputTests
{
    private const string Header = "job_id,num_gpus,submit_time,duration,model\n";

    private static IReadOnlyList<PlacementJob> Parse(string text) =>
        SiaPhillyReader.Parse(new StringReader(text), "t.csv");

    [Fact]
    public void A_trace_line_gives_the_model_s_class_and_iteration_time()
    {
        var job = Parse(Header + "0,4,98,1481.0,vgg19\n")[0];
        Assert.Equal((0, 4, 98.0, 1481.0, "vgg19", "C", 0.300610341, "t.csv:2"),
            (job.Id, job.Gpus, job.SubmitSeconds, job.Iterations, job.Model, job.Class, job.IterationSeconds,
                job.Where));
    }

    [Theory]
    [InlineData("0,1,0,10,alexnet\n", "t.csv:2: field 'model' 'alexnet' is unknown (known: BERT, DCGAN, GPT2, " +
                                        "PointNet, resnet50, vgg19)")]
    [InlineData("0,0,0,10,BERT\n", "t.csv:2: field 'num_gpus' is '0', not a whole number ≥ 1")]
    [InlineData("0,1.5,0,10,BERT\n", "t.csv:2: field 'num_gpus' is '1.5', not a whole number ≥ 1")]
    [InlineData("0,1,-4,10,BERT\n", "t.csv:2: field 'submit_time' is '-4', not a number ≥ 0")]
    [InlineData("0,1,0,10\n", "t.csv:2: 4 fields where the header has 5")]
    [InlineData("0,1,0,10,BERT\n0,1,0,10,BERT\n", "t.csv:3: field 'job_id' 0 appears twice")]
    public void Malformed_lines_are_named_by_file_and_line(string body, string message) =>
        Assert.Equal(message, Assert.Throws<BadInputException>(() => Parse(Header + body)).Message);

    [Fact]
    public void A_class_column_overrides_the_model_and_must_be_a_name()
    {
        const string header = "job_id,num_gpus,submit_time,duration,model,class\n";
        Assert.Equal("A", Parse(header + "0,1,0,10,BERT,classA\n")[0].Class);
        Assert.Equal("t.csv:2: field 'class' 'class-?' is not a class name (A, B, classC, ...)",
            Assert.Throws<BadInputException>(() => Parse(header + "0,1,0,10,BERT,class-?\n")).Message);
    }

    [Fact]
    public void A_gpu_table_without_perfvar_columns_or_with_a_bad_value_is_refused()
    {
        Assert.Equal("g.csv: the GPU table has no PerfVar_class* column", Assert.Throws<BadInputException>(() =>
            GpuTable.Parse(new StringReader("GPU_ID,Node_ID\n0,0\n"), "g.csv")).Message);
        Assert.Equal("g.csv:2: field 'PerfVar_classA' is 'x', not a positive number",
            Assert.Throws<BadInputException>(() =>
                GpuTable.Parse(new StringReader("GPU_ID,Node_ID,PerfVar_classA\n0,0,x\n"), "g.csv")).Message);
        var table = GpuTable.Parse(new StringReader("GPU_ID,Node_ID,PerfVar_classA\n0,0,1.0\n"), "g.csv");
        Assert.Equal("g.csv: the GPU table has no PerfVar_classB column (it has PerfVar_classA)",
            Assert.Throws<BadInputException>(() => table.PerfVar("B")).Message);
    }

    [Fact]
    public void Replay_keeps_the_trace_times_then_cycles_the_rows_at_python_seeded_poisson_gaps()
    {
        var trace = Parse(Header + "0,1,5,10,BERT\n1,2,9,10,GPT2\n");
        var jobs = SiaArrivals.Replay(trace, 2).Take(5).ToArray();
        Assert.Equal([0, 1, 2, 3, 4], jobs.Select(j => j.Id));
        Assert.Equal(["BERT", "GPT2", "BERT", "GPT2", "BERT"], jobs.Select(j => j.Model));
        // random.seed(1); random.random() gives 0.13436424411240122, 0.8474337369372327, 0.763774618976614:
        // gaps ⌈−ln(1 − u) / 2 · 3600⌉ = 260, 3385, 2598 s after job 1's own submit time of 9 s.
        Assert.Equal([5.0, 9, 269, 3654, 6252], jobs.Select(j => j.SubmitSeconds));
        // Each enumeration starts the generator afresh, as the reference re-seeds before every run.
        Assert.Equal(jobs, SiaArrivals.Replay(trace, 2).Take(5));
    }

    [SkippableFact]
    public void The_shipped_inputs_load_and_a_trace_simulates()
    {
        var root = ReferenceData.Locate("pal");
        Skip.If(root is null, "data/pal is not in this checkout");
        var table = GpuTable.Read(Path.Combine(root, "32gpu-variability.csv"));
        Assert.Equal((32, 4), (table.Gpus.Count, table.GpusPerNode));
        Assert.Equal(["A", "B", "C", "D"], table.Classes);
        var trace = SiaPhillyReader.Read(Path.Combine(root, "sia-philly", "workload-1.csv"));
        Assert.Equal(160, trace.Count);
        var sampled = MeasuredProfiles.Sample(Path.Combine(root, "profiles.json"), 16, 4, 42);
        var run = PlacementSimulator.Run(trace, sampled, new PlacementOptions());
        Assert.Equal(160, run.Jobs.Count);
        Assert.All(run.Jobs, j => Assert.True(j.JctSeconds > 0));
    }
}
