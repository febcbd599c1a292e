using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

public class TraceTests
{
    [SkippableFact]
    public void TheCanonicalTraceParsesAndMatchesItsPublishedComposition()
    {
        var jobs = TraceFile.Read(Path.Combine(Fixtures.ShockwaveData(), Fixtures.CanonicalTrace));
        Assert.Equal(120, jobs.Count);
        Assert.Equal(0, jobs[0].ArrivalSeconds);
        Assert.Equal(5011, jobs[^1].ArrivalSeconds);
        Assert.Equal([92, 20, 8, 0], new[] { 1, 2, 4, 8 }.Select(sf => jobs.Count(j => j.ScaleFactor == sf)));
        Assert.Equal([4, 59, 57],
            new[] { AdaptationMode.Static, AdaptationMode.Accordion, AdaptationMode.Gns }.Select(m =>
            jobs.Count(j => j.Mode == m)));
        Assert.All(jobs, j => Assert.InRange(j.DurationSeconds, 720, 18000));
        Assert.Equal("LM (batch size 10)", jobs[0].Type.ToString());
        Assert.Equal(134583, jobs[0].TotalSteps);
    }

    [SkippableFact]
    public void TheTaccThroughputFileParsesFully()
    {
        var table = ThroughputTable.Read(Path.Combine(Fixtures.ShockwaveData(), "tacc_throughputs.json"));
        Assert.Equal(["k80", "k80_unconsolidated", "p100", "p100_unconsolidated", "v100", "v100_unconsolidated"],
            table.WorkerTypes);
        Assert.Equal(57.68343332, table.Isolated("v100", "ResNet-18 (batch size 16)", 1)!.Value, 8);
        var pair = table.Colocated("v100", "ResNet-18 (batch size 16)", 1, "ResNet-18 (batch size 64)", 1);
        Assert.Equal((32.353384328946916, 24.093231895382736), pair!.Value);
        // Every job of the canonical trace, at every batch size its schedule reaches, has a V100 throughput.
        foreach (var job in TraceFile.Read(Path.Combine(Fixtures.ShockwaveData(), Fixtures.CanonicalTrace)))
            foreach (var bs in job.BatchSizeSchedule().Distinct())
                Assert.NotNull(table.Isolated("v100", job.Type.Family.JobType(bs), job.ScaleFactor));
    }

    [Theory]
    [InlineData("LM (batch size 10)\tcmd\twd\t--steps\t1\t100\t1\tgns\t1\t-1\t10",
        "t.trace:2: 11 tab-separated fields")]
    [InlineData("LM (batch size 10)\tcmd\twd\t--steps\t1\tabc\t1\tgns\t1\t-1\t10\t0",
        "t.trace:2: field 'total_steps': 'abc' is not a number")]
    [InlineData("LM (batch size 10)\tcmd\twd\t--steps\t1\t100\t1\tfast\t1\t-1\t10\t0",
        "t.trace:2: field 'mode': 'fast'")]
    [InlineData("GPT (batch size 10)\tcmd\twd\t--steps\t1\t100\t1\tgns\t1\t-1\t10\t0",
        "t.trace:2: field 'job_type': unknown model 'GPT'")]
    [InlineData("LM (batch size 10)\tcmd\twd\t--steps\t2\t100\t1\tgns\t1\t-1\t10\t0",
        "t.trace:2: field 'needs_data_dir'")]
    [InlineData("LM (batch size 10)\tcmd\twd\t--steps\t1\t100\t1.5\tgns\t1\t-1\t10\t0",
        "t.trace:2: field 'scale_factor'")]
    [InlineData("LM (batch size 10)\tcmd\twd\t--steps\t1\t100\t1\tgns\t1\t-1\t10\t-5", "t.trace:2: field 'arrival'")]
    public void MalformedLinesNameFileLineAndField(string badLine, string expected)
    {
        var good = "LM (batch size 10)\tcmd\twd\t--steps\t1\t100\t1\tgns\t1\t-1.000000\t10\t0";
        var error =
            Assert.Throws<TraceFormatException>(() =>
            TraceFile.Read(new StringReader(good + "\n" + badLine + "\n"), "t.trace"));
        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void MalformedThroughputFilesNameTheKey()
    {
        Assert.Contains("[v100][('LM (batch size 10)', x)]",
            Assert.Throws<TraceFormatException>(() =>
            ThroughputTable.Parse("{\"v100\": {\"('LM (batch size 10)', x)\": {\"null\": 1}}}", "f.json")).Message);
        Assert.Contains("no isolated throughput",
            Assert.Throws<TraceFormatException>(() =>
            ThroughputTable.Parse("{\"v100\": {\"('LM (batch size 10)', 1)\": {}}}", "f.json")).Message);
        Assert.StartsWith("f.json:1: not valid JSON",
            Assert.Throws<TraceFormatException>(() => ThroughputTable.Parse("{oops", "f.json")).Message);
        Assert.Contains("no such file",
            Assert.Throws<BadInputException>(() => ThroughputTable.Read("/nonexistent/t.json")).Message);
        var empty = ThroughputTable.Parse("{\"v100\": {}}", "f.json");
        Assert.Equal("f.json has no throughput for ('LM (batch size 20)', 1) on v100",
            Assert.Throws<BadInputException>(() => empty.Require("v100", "LM (batch size 20)", 1)).Message);
    }

    [Fact]
    public void WrittenTracesReadBackIdentically()
    {
        var throughputs =
            Fixtures.Throughputs(
            [.. ModelFamily.Templates.SelectMany(t => new[] { 1, 2, 4, 8 }.Select(g => (t.ToString(), g, 10.0 + g)))]);
        var jobs = new TraceGenerator(throughputs, new TraceGeneratorOptions { Jobs = 50 }).Generate(new SeedTree(3));
        var text = new StringWriter();
        TraceFile.Write(text, jobs);
        var back = TraceFile.Read(new StringReader(text.ToString()), "mem");
        Assert.Equal(jobs, back);
    }

    [Fact]
    public void TheGeneratorFollowsItsDistributionsAndIsDeterministic()
    {
        var throughputs =
            Fixtures.Throughputs(
            [.. ModelFamily.Templates.SelectMany(t => new[] { 1, 2, 4, 8 }.Select(g => (t.ToString(), g, 10.0)))]);
        var options = new TraceGeneratorOptions { Jobs = 4000, MeanArrivalGapSeconds = 25 };
        var jobs = new TraceGenerator(throughputs, options).Generate(new SeedTree(7));
        Assert.Equal(jobs, new TraceGenerator(throughputs, options).Generate(new SeedTree(7)));
        Assert.NotEqual(jobs, new TraceGenerator(throughputs, options).Generate(new SeedTree(8)));

        var gaps = jobs.Zip(jobs.Skip(1), (a, b) => b.ArrivalSeconds - a.ArrivalSeconds).ToArray();
        Assert.InRange(gaps.Average(), 25 * 0.93, 25 * 1.07);
        double Fraction(Func<JobSpec, bool> p) => jobs.Count(p) / (double)jobs.Count;
        Assert.InRange(Fraction(j => j.ScaleFactor == 1), 0.57, 0.63);
        Assert.InRange(Fraction(j => j.ScaleFactor == 2), 0.27, 0.33);
        Assert.InRange(Fraction(j => j.ScaleFactor == 4), 0.075, 0.105);
        Assert.All(jobs, j => Assert.True(j.ScaleFactor == 1 || j.Type.Family.Distributed));
        Assert.Equal(0, Fraction(j => j.Mode == AdaptationMode.Accordion && j.DurationSeconds < 1000));
        // 72% of durations come from the shortest 20% of the 0.2–5 h grid, i.e. at most ~1.2 h.
        Assert.InRange(Fraction(j => j.DurationSeconds <= 3600 * 1.17), 0.69, 0.75);
        Assert.All(jobs, j => Assert.InRange(j.DurationSeconds, 720, 18000));
        Assert.All(jobs, j => Assert.Equal(Math.Round(j.DurationSeconds * 10), j.TotalSteps));
        Assert.Equal("120_0.2_5_100_40_25_0,0.5,0.5_0.6,0.3,0.09,0.01_multigpu_dynamic.trace",
            new TraceGeneratorOptions().FileName(25));
    }
}
