using System.Diagnostics;
using System.Text.Json;
using Spectre.Console.Testing;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class ScheduleCommandTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-schedule-tests-" + Guid.NewGuid().ToString("N"));

    public ScheduleCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);


    private string Trace(int jobs = 12)
    {
        var path = Path.Combine(_root, "t.trace");
        var (code, _, errors) =
            Run("schedule", "trace", "--jobs", jobs.ToString(), "--max-hours", "1", "--output", path, "--seed", "5");
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
        var (code, output, errors) =
            Run("schedule", "simulate", "--trace", trace, "--policy", "gavel", "--cluster", "v100=4", "--json", json);
        Assert.True(code == 0, errors);
        Assert.Contains("makespan", output);
        var root = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal("max_min_fairness", root.GetProperty("policy").GetString());
        foreach (var field in new[] { "makespanHours", "avgJctHours", "worstFtf", "utilization" })
            Assert.True(root.GetProperty(field).GetDouble() > 0, field);
        var jobs = root.GetProperty("jobs").EnumerateArray().ToArray();
        Assert.Equal(12, jobs.Length);
        // The summary agrees with its own per-job records.
        var ftf = jobs.Select(j => j.GetProperty("ftf").GetDouble()).ToArray();
        Assert.Equal(ftf.Count(f => f > 1.05) / 12.0, root.GetProperty("unfairFraction").GetDouble(), 12);
        Assert.Equal(ftf.Max(), root.GetProperty("worstFtf").GetDouble(), 12);
        var lastCompletion = jobs.Max(j => j.GetProperty("completionSeconds").GetDouble());
        Assert.Equal(lastCompletion / 3600, root.GetProperty("makespanHours").GetDouble(), 9);
    }

    [Fact]
    public void CompareWritesAReportAndOneJsonRecordPerPolicy()
    {
        var trace = Trace();
        var (code, output, errors) =
            Run("schedule", "compare", "--trace", trace, "--policies", "fifo,themis,ossp", "--cluster", "v100=4",
            "--out", _root, "--json");
        Assert.True(code == 0, errors);
        var runs = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["fifo", "finish_time_fairness", "min_total_duration"],
            runs.EnumerateArray().Select(r => r.GetProperty("policy").GetString()));
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(_root, "report", "index.html")));
        Assert.True(File.Exists(Path.Combine(_root, "results", "schedule.compare.policies.csv")));
    }

    [Fact]
    public void ShockwaveRunsWithAPresetAndOverridesAndReportsItsSolves()
    {
        var trace = Trace();
        var (code, output, errors) =
            Run("schedule", "simulate", "--trace", trace, "--policy", "shockwave", "--cluster", "v100=4",
            "--preset", "scale64", "--window", "10", "--time-limit", "5", "--json");
        Assert.True(code == 0, errors);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("shockwave", root.GetProperty("policy").GetString());
        Assert.True(root.GetProperty("schedulerStatistics").GetProperty("replans").GetDouble() >= 1);
        Assert.True(root.GetProperty("schedulerStatistics").TryGetProperty("solve_p50_s", out _));
    }

    [Theory]
    [InlineData("unknown Shockwave preset 'huge'", "schedule", "simulate", "--policy", "shockwave", "--preset", "huge")]
    [InlineData("--window: Shockwave's window must be from 1 to 1,000 rounds; got 0",
        "schedule", "simulate", "--policy", "shockwave", "--window", "0")]
    [InlineData("unknown policy 'nosuch'", "schedule", "simulate", "--policy", "nosuch")]
    [InlineData("'v100' is not TYPE=COUNT", "schedule", "simulate", "--cluster", "v100")]
    [InlineData("trace '/nonexistent/x.trace': no such file",
        "schedule", "simulate", "--trace", "/nonexistent/x.trace")]
    [InlineData("--round", "schedule", "simulate", "--round", "-5")]
    [InlineData("--gpu-mix", "schedule", "trace", "--gpu-mix", "1,2")]
    [InlineData("unknown policy 'bogus'", "schedule", "compare", "--policies", "fifo,bogus")]
    // Issue 23: runaway memory, infinities, overflowing time limits, mixes that are not distributions,
    // policy lists that name nothing or one policy twice, special files.
    [InlineData("--window: Shockwave's window must be from 1 to 1,000 rounds; got 100,000,000",
        "schedule", "simulate", "--policy", "shockwave", "--window", "100000000")]
    [InlineData("--lambda: Shockwave's unfairness exponent λ must be from 0 to 100; got Infinity",
        "schedule", "compare", "--lambda", "Infinity")]
    [InlineData("--time-limit: Shockwave's time limit per solve must be more than 0 and at most 86,400 s; "
        + "got 9.223372036854776E+18 s",
        "schedule", "simulate", "--policy", "shockwave", "--time-limit", "9223372036854775807")]
    [InlineData("--gap: Shockwave's relative MIP gap must be from 0 to 1; got -1",
        "schedule", "simulate", "--gap", "-1")]
    [InlineData("--batch-sizes: batch-size dynamics must be 'rules' or 'profile'; got 'fast'",
        "schedule", "simulate", "--batch-sizes", "fast")]
    [InlineData("--round: the round length must be from 1 to 86,400 s; got Infinity s",
        "schedule", "simulate", "--round", "Infinity")]
    [InlineData("--cluster: cluster 'v100=0': 'v100=0' is not TYPE=COUNT",
        "schedule", "compare", "--cluster", "v100=0")]
    [InlineData("--max-hours: the longest duration must be from the shortest (0.2 h) to 100 h; got Infinity h",
        "schedule", "trace", "--max-hours", "Infinity")]
    [InlineData("--jobs: the number of jobs must be from 1 to 100,000; got 2,000,000,000",
        "schedule", "trace", "--jobs", "2000000000")]
    [InlineData("--durations: the duration grid must have from 2 to 100,000 points",
        "schedule", "trace", "--durations", "2000000000")]
    [InlineData("--gpu-mix: the GPU mix must be 4 probabilities from 0 to 1 that sum to 1; got 0.5, 0.5, 0.5, 0.5",
        "schedule", "trace", "--gpu-mix", "0.5,0.5,0.5,0.5")]
    [InlineData("--mode-mix: the mode mix must be 3 probabilities from 0 to 1 that sum to 1; got 0.9, 0.9, 0.9",
        "schedule", "trace", "--mode-mix", "0.9,0.9,0.9")]
    [InlineData("--mode-mix: '0,x,1' is not a list of numbers", "schedule", "trace", "--mode-mix", "0,x,1")]
    [InlineData("--policies: no policy named; known: shockwave, fifo,", "schedule", "compare", "--policies", "")]
    [InlineData("--policies: policy 'fifo' is named twice", "schedule", "compare", "--policies", "fifo,fifo")]
    [InlineData("--policies: an empty policy name in the list", "schedule", "compare", "--policies", "fifo,,srtf")]
    [InlineData("--makespan-weight: Shockwave's makespan weight k must be from 0 to 100000000; got 1E+308",
        "schedule", "simulate", "--policy", "shockwave", "--makespan-weight", "1e308")]
    [InlineData("--policies: policy 'max_min_fairness' is named twice",
        "schedule", "compare", "--policies", "gavel,max_min_fairness")]
    [InlineData("trace '/dev/zero': is a character device, not a regular file",
        "schedule", "simulate", "--trace", "/dev/zero")]
    [InlineData("throughput file '/dev/zero': is a character device",
        "schedule", "trace", "--throughputs", "/dev/zero")]
    public void BadInputIsAOneLineUsageError(string mentions, params string[] args)
    {
        var (code, _, errors) = Run([.. args, "--out", _root]);
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, mentions);
        Assert.DoesNotContain("-60 s", errors);
        // Checked before any work: nothing was written.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void AClusterWithoutMeasuredThroughputsIsBadInputNotAFailure()
    {
        var (code, _, errors) = Run("schedule", "simulate", "--trace", Trace(3), "--cluster", "h100=8");
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, "has no measured throughput on any GPU type of the cluster h100=8;");
        (code, _, errors) = Run("schedule", "compare", "--trace", Trace(3), "--cluster", "v100=4,k80=4",
            "--policies", "fifo,shockwave", "--out", _root);
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, "Shockwave plans for one GPU type; the cluster k80=4,v100=4 has 2 types");
        Assert.False(File.Exists(Path.Combine(_root, "results", "schedule.compare.json")));
    }

    [Fact]
    public void ANulByteInANumericTraceFieldIsNamedByFileLineAndField()
    {
        var trace = Trace(3);
        var lines = File.ReadAllLines(trace);
        var fields = lines[2].Split('\t');
        fields[10] += "\0";
        lines[2] = string.Join('\t', fields);
        File.WriteAllLines(trace, lines);
        var (code, _, errors) = Run("schedule", "simulate", "--trace", trace, "--cluster", "v100=4");
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, $"{trace}:3: field 'duration': '");
        Assert.Contains("\\0' is not a number", errors);
        Assert.DoesNotContain('\0', errors);
    }

    [SkippableFact]
    public void AFifoInPlaceOfATraceIsRefusedInsteadOfBlocking()
    {
        var fifo = Path.Combine(_root, "fifo.trace");
        Skip.IfNot(OperatingSystem.IsLinux() && Process.Start("mkfifo", fifo).WaitForExit(10_000), "mkfifo is Linux's");
        var (code, _, errors) = Run("schedule", "simulate", "--trace", fifo);
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, $"trace '{fifo}': is a named pipe (FIFO), not a regular file");
    }

    [Theory]
    [InlineData("schedule")]
    [InlineData("kv")]
    [InlineData("tune")]
    [InlineData("provision")]
    public void ACommandGroupWithoutACommandIsAOneLineUsageError(string group)
    {
        var (code, _, errors) = Run(group);
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, $"'frugal {group}' needs a command; 'frugal {group} --help' lists them.");
        var (helpCode, help, _) = Run(group, "--help");
        Assert.Equal(0, helpCode);
        Assert.Contains("COMMANDS:", help);
        Assert.DoesNotContain("__default_command", help);
    }

    [Fact]
    public void ProgressIsShownFromTheStartOfARun()
    {
        // On an interactive console the steps appear as they start: reading the inputs comes first.
        var console = new TestConsole().Width(200).Interactive().EmitAnsiSequences();
        var errors = new StringWriter();
        var code = FrugalApp.Run(["schedule", "simulate", "--trace", Trace(), "--cluster", "v100=4"], console, errors);
        Assert.True(code == 0, errors.ToString());
        var reading = console.Output.IndexOf("reading the inputs", StringComparison.Ordinal);
        var simulating = console.Output.IndexOf("max_min_fairness: 12 jobs on v100=4", StringComparison.Ordinal);
        Assert.True(reading >= 0 && simulating > reading, console.Output);
    }

    [Fact]
    public void TraceReportsWhatItWroteAsJson()
    {
        var path = Path.Combine(_root, "t.trace");
        var (code, output, errors) = Run("schedule", "trace", "--jobs", "30", "--output", path, "--json");
        Assert.True(code == 0, errors);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(path, root.GetProperty("path").GetString());
        Assert.Equal(30, root.GetProperty("jobs").GetInt32());
        Assert.Equal(30, root.GetProperty("gpus").EnumerateObject().Sum(g => g.Value.GetInt32()));
        Assert.Equal(["static", "accordion", "gns"], root.GetProperty("modes").EnumerateObject().Select(m => m.Name));
        Assert.Equal(30, File.ReadAllLines(path).Length);
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
