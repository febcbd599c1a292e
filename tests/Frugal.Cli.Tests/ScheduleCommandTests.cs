using System.Text.Json;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class ScheduleCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "frugal-schedule-tests-" + Guid.NewGuid().ToString("N"));

    public ScheduleCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);


    private string Trace(int jobs = 12)
    {
        var path = Path.Combine(_root, "t.trace");
        var (code, _, errors) = Run("schedule", "trace", "--jobs", jobs.ToString(), "--max-hours", "1", "--output", path, "--seed", "5");
        Assert.True(code == 0, errors);
        return path;
    }

    [Fact]
    public void TraceWritesTheRequestedJobs()
    {
        var path = Trace(12);
        Assert.Equal(12, File.ReadAllLines(path).Length);
        Assert.All(File.ReadAllLines(path), line => Assert.Equal(12, line.Split('\t').Length));
    }

    [Fact]
    public void SimulateReportsTheMetricsAsJson()
    {
        var trace = Trace();
        var json = Path.Combine(_root, "sim.json");
        var (code, output, errors) = Run("schedule", "simulate", "--trace", trace, "--policy", "gavel", "--cluster", "v100=4", "--json", json);
        Assert.True(code == 0, errors);
        Assert.Contains("makespan", output);
        var root = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal("max_min_fairness", root.GetProperty("policy").GetString());
        foreach (var field in new[] { "makespanHours", "avgJctHours", "worstFtf", "unfairFraction", "utilization" })
            Assert.True(root.GetProperty(field).GetDouble() > 0 || field == "unfairFraction", field);
        Assert.Equal(12, root.GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public void CompareWritesAReportAndOneJsonRecordPerPolicy()
    {
        var trace = Trace();
        var (code, output, errors) = Run("schedule", "compare", "--trace", trace, "--policies", "fifo,themis,ossp", "--cluster", "v100=4", "--out", _root, "--json");
        Assert.True(code == 0, errors);
        var runs = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["fifo", "finish_time_fairness", "min_total_duration"], runs.EnumerateArray().Select(r => r.GetProperty("policy").GetString()));
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(_root, "report", "index.html")));
        Assert.True(File.Exists(Path.Combine(_root, "results", "schedule.compare.policies.csv")));
    }

    [Fact]
    public void ShockwaveRunsWithAPresetAndOverridesAndReportsItsSolves()
    {
        var trace = Trace();
        var (code, output, errors) = Run("schedule", "simulate", "--trace", trace, "--policy", "shockwave", "--cluster", "v100=4",
            "--preset", "scale64", "--window", "10", "--time-limit", "5", "--json");
        Assert.True(code == 0, errors);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("shockwave", root.GetProperty("policy").GetString());
        Assert.True(root.GetProperty("schedulerStatistics").GetProperty("replans").GetDouble() >= 1);
        Assert.True(root.GetProperty("schedulerStatistics").TryGetProperty("solve_p50_s", out _));
    }

    [Theory]
    [InlineData("unknown Shockwave preset 'huge'", "schedule", "simulate", "--policy", "shockwave", "--preset", "huge")]
    [InlineData("WindowRounds", "schedule", "simulate", "--policy", "shockwave", "--window", "0")]
    [InlineData("unknown policy 'nosuch'", "schedule", "simulate", "--policy", "nosuch")]
    [InlineData("'v100' is not TYPE=COUNT", "schedule", "simulate", "--cluster", "v100")]
    [InlineData("does not exist", "schedule", "simulate", "--trace", "/nonexistent/x.trace")]
    [InlineData("--round", "schedule", "simulate", "--round", "-5")]
    [InlineData("--gpu-mix", "schedule", "trace", "--gpu-mix", "1,2")]
    [InlineData("unknown policy 'bogus'", "schedule", "compare", "--policies", "fifo,bogus")]
    public void BadInputIsAOneLineUsageError(string mentions, params string[] args)
    {
        var (code, _, errors) = Run([.. args, "--out", _root]);
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, mentions);
    }

    [Fact]
    public void AMalformedTraceLineIsNamedByFileAndLine()
    {
        var trace = Trace(3);
        var lines = File.ReadAllLines(trace);
        lines[1] = lines[1].Replace("\t1\t", "\tone\t");
        File.WriteAllLines(trace, lines);
        var (code, _, errors) = Run("schedule", "simulate", "--trace", trace, "--cluster", "v100=4");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{trace}:2: field '", errors);
    }
}
