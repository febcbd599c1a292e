using System.Text.Json;
using System.Text.Json.Nodes;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class TuneCommandTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-tune-tests-" + Guid.NewGuid().ToString("N"));

    public TuneCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string PathOf(string name) => Path.Combine(_root, name);

    [Fact]
    public void RunTunesTheSyntheticTargetAndWritesHistoryReportAndJson()
    {
        var history = PathOf("h.jsonl");
        var (code, output, errors) =
            Run("tune", "run", "--target", "synthetic", "--workload", "sparse-20", "--method", "random",
            "--iterations", "15",
            "--history", history, "--out", PathOf("out"), "--json", PathOf("run.json"));
        Assert.True(code == 0, errors + output);
        Assert.Contains("improvement", output);
        Assert.Equal(17, File.ReadAllLines(history).Length);
        var run = JsonDocument.Parse(File.ReadAllText(PathOf("run.json"))).RootElement;
        Assert.Equal("score", run.GetProperty("objective").GetString());
        var trials = run.GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal(16, trials.Length);
        // The best includes the default trial, so compare the default with the method's own trials: on this surface
        // (the default scores 718; random search finds 920 within 15 trials) the method must beat it.
        var defaultValue = run.GetProperty("default").GetProperty("value").GetDouble();
        Assert.Equal(defaultValue, trials[0].GetProperty("value").GetDouble());
        var found = trials.Skip(1).Where(t => !t.GetProperty("failed").GetBoolean())
            .Max(t => t.GetProperty("value").GetDouble());
        Assert.True(found > defaultValue, $"best trial {found} against the default {defaultValue}");
        var best = run.GetProperty("best");
        Assert.Equal(found, best.GetProperty("value").GetDouble());
        Assert.Equal(found, trials[best.GetProperty("iteration").GetInt32()].GetProperty("value").GetDouble());
        Assert.Contains("data:image/png;base64,", File.ReadAllText(PathOf("out/report/index.html")));
        Assert.True(File.Exists(PathOf("out/results/tuning.run.trials.csv")));
    }

    [Fact]
    public void ResumeContinuesTheHistoryAndGivesTheUninterruptedRun()
    {
        string[] Args(string history, int iterations, params string[] extra) =>
            ["tune", "run", "--method", "hesbo-special-random", "--dims", "4", "--iterations", iterations.ToString(),
                "--seed", "3", "--history", history, "--out", PathOf("out"), "--json", .. extra];
        var (code, _, errors) = Run(Args(PathOf("part.jsonl"), 6));
        Assert.True(code == 0, errors);
        (code, var resumed, errors) = Run(Args(PathOf("part.jsonl"), 12, "--resume"));
        Assert.True(code == 0, errors);
        (code, var whole, errors) = Run(Args(PathOf("whole.jsonl"), 12));
        Assert.True(code == 0, errors);
        static string Trials(string json) => JsonDocument.Parse(json).RootElement.GetProperty("trials").GetRawText();
        Assert.Equal(Trials(whole), Trials(resumed));
        Assert.Equal(14, File.ReadAllLines(PathOf("part.jsonl")).Length);

        (code, _, errors) =
            Run(["tune", "run", "--method", "random", "--iterations", "12", "--seed", "3", "--history",
            PathOf("part.jsonl"), "--out", PathOf("out"), "--resume"]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "was made with method hesbo-special-random");
        (code, _, errors) = Run(Args(PathOf("part.jsonl"), 12));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "--resume");
    }

    [Fact]
    public void ACancelledRunSaysWhereItsHistoryIsKept()
    {
        var history = PathOf("cancelled.jsonl");
        var (code, _, errors) = Run(new CancellationToken(canceled: true),
            "tune", "run", "--method", "random", "--iterations", "5", "--history", history, "--out", PathOf("out"));
        Assert.Equal(130, code);
        Assert.StartsWith("frugal: cancelled; the completed trials are kept in " + history, errors);
        Assert.Contains("--resume", errors);
        Assert.True(File.Exists(history));
    }

    [Fact]
    public void CompareKeepsEachRunsHistoryAndResumesThem()
    {
        string[] Args(int iterations, params string[] extra) =>
            ["tune", "compare", "--methods", "random,special-random", "--iterations", iterations.ToString(), "--seeds",
                "2", "--history-dir", PathOf("runs"),
             "--out", PathOf("out"), "--json", .. extra];
        var (code, _, errors) = Run(Args(5));
        Assert.True(code == 0, errors);
        Assert.Equal(7, File.ReadAllLines(PathOf("runs/special-random-seed1.jsonl")).Length);

        (code, _, errors) = Run(Args(8));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "--resume");
        (code, var resumed, errors) = Run(Args(8, "--resume"));
        Assert.True(code == 0, errors);
        Assert.Equal(10, File.ReadAllLines(PathOf("runs/random-seed0.jsonl")).Length);
        Directory.Delete(PathOf("runs"), recursive: true);
        (code, var whole, errors) = Run(Args(8));
        Assert.True(code == 0, errors);
        Assert.Equal(JsonDocument.Parse(whole).RootElement.GetProperty("methods").GetRawText(),
            JsonDocument.Parse(resumed).RootElement.GetProperty("methods").GetRawText());
    }

    [Fact]
    public void VerifyMeasuresTheBestConfigurationAgainstTheDefaultAgain()
    {
        var history = PathOf("v.jsonl");
        var (code, _, errors) =
            Run("tune", "run", "--workload", "noisy-20", "--method", "special-random", "--iterations", "20",
            "--history", history, "--out", PathOf("out"));
        Assert.True(code == 0, errors);
        (code, var json, errors) =
            Run("tune", "verify", "--workload", "noisy-20", "--history", history, "--rounds", "4", "--json");
        Assert.True(code == 0, errors);
        var verified = JsonDocument.Parse(json).RootElement;
        Assert.Equal(4, verified.GetProperty("best").GetArrayLength());
        Assert.Equal("score", verified.GetProperty("metric").GetString());
        // The noisy surface's best trial is a real improvement (the noise is 5%), so re-measured it still wins.
        Assert.True(verified.GetProperty("medianBest").GetDouble() > verified.GetProperty("medianDefault").GetDouble());

        (code, _, errors) = Run("tune", "verify", "--target", "kv", "--history", history);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "was made with target 'synthetic', not 'kv'");
        (code, _, errors) = Run("tune", "verify", "--workload", "sparse-30", "--history", history);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "was made with space 'synthetic-noisy-20'");
        (code, _, errors) = Run("tune", "verify", "--history", PathOf("missing.jsonl"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "missing.jsonl");
    }

    [Fact]
    public void CompareReportsTrialsRatiosForWrappedMethods()
    {
        var (code, output, errors) =
            Run("tune", "compare", "--target", "synthetic", "--workload", "sparse-30", "--methods",
            "random,hesbo-random,special-random",
            "--iterations", "20", "--seeds", "3", "--out", PathOf("out"), "--json");
        Assert.True(code == 0, errors);
        var methods = JsonDocument.Parse(output).RootElement.GetProperty("methods");
        Assert.Equal(["random", "hesbo-random", "special-random"],
            methods.EnumerateArray().Select(m => m.GetProperty("method").GetString()));
        Assert.Equal(JsonValueKind.Null, methods[0].GetProperty("trialsRatio").ValueKind);
        foreach (var wrapped in methods.EnumerateArray().Skip(1))
        {
            Assert.Equal("random", wrapped.GetProperty("plain").GetString());
            var perSeed = wrapped.GetProperty("trialsRatioPerSeed").EnumerateArray()
                .Select(r => r.ValueKind == JsonValueKind.Null ? (double?)null : r.GetDouble()).ToArray();
            Assert.Equal(3, perSeed.Length);
            Assert.All(perSeed.OfType<double>(), r => Assert.True(r > 0, $"ratio {r}"));
            // reached counts the seeds with a ratio; the ratio is the median over seeds with the missing ones lowest,
            // which is missing when it falls on one (here: unless at least 2 of the 3 seeds reached).
            Assert.Equal(perSeed.Count(r => r is not null), wrapped.GetProperty("reached").GetInt32());
            var median = perSeed.OrderBy(r => r ?? double.NegativeInfinity).ElementAt(1);
            var ratio = wrapped.GetProperty("trialsRatio");
            if (median is { } expected) Assert.Equal(expected, ratio.GetDouble());
            else Assert.Equal(JsonValueKind.Null, ratio.ValueKind);
        }
        Assert.True(File.Exists(PathOf("out/report/plots/tuning.compare.best-so-far.png")));
    }

    [Fact]
    public void ANoisyComparisonRunsWhenAllowedAndRecordsTheNoise()
    {
        var (code, output, errors) =
            Run("tune", "compare", "--workload", "noisy-30", "--noise-threshold", "0.001", "--allow-noisy",
            "--methods", "random", "--iterations", "3", "--seeds", "1", "--repeats", "3", "--out", PathOf("out"),
            "--json");
        Assert.True(code == 0, errors);
        var root = JsonDocument.Parse(output).RootElement;
        var trials = root.GetProperty("defaultCvRuns").EnumerateArray().ToArray();
        Assert.Equal(5, trials.Length);
        Assert.All(trials, t => Assert.Equal(3, t.GetArrayLength()));
        Assert.InRange(root.GetProperty("defaultCv").GetDouble(), 0.001, 0.5);
        Assert.StartsWith("median of 3 run(s)", root.GetProperty("protocol").GetString());
    }

    [Fact]
    public void RunTunesTheKeyValueStore()
    {
        var (code, output, errors) =
            Run("tune", "run", "--target", "kv", "--workload", "B", "--scale", "20", "--duration", "0.1", "--warmup",
                "0", "--iterations", "2", "--out", PathOf("out"), "--json");
        Assert.True(code == 0, errors + output);
        var run = JsonDocument.Parse(output).RootElement;
        Assert.Equal("ops_per_sec", run.GetProperty("objective").GetString());
        Assert.True(run.GetProperty("default").GetProperty("value").GetDouble() > 0);
        Assert.Equal(4, File.ReadAllLines(PathOf("out/history.jsonl")).Length);
    }

    [Fact]
    public void TargetsAndSpacesAreListed()
    {
        var (code, output, _) = Run("tune", "targets");
        Assert.Equal(0, code);
        Assert.Contains("synthetic", output);
        Assert.Contains("kv", output);
        (code, output, _) = Run("tune", "space", "--target", "kv");
        Assert.Equal(0, code);
        Assert.Contains("read_cache_fraction", output);
    }

    [Theory]
    [InlineData("unknown target 'nosuch'", "tune", "run", "--target", "nosuch")]
    [InlineData("--method: unknown optimizer 'annealing'; known: random, lhs, gp, smac", "tune", "run", "--method",
        "annealing")]
    [InlineData("--method: unknown adapter 'turbo'; known: llamatune", "tune", "run", "--method", "turbo-random")]
    [InlineData("--methods: method 'random' is named twice", "tune", "compare", "--methods",
        "random,hesbo-random,random")]
    [InlineData("--methods: no method named", "tune", "compare", "--methods", ",")]
    [InlineData("--iterations", "tune", "run", "--iterations", "0")]
    [InlineData("--dims: a projection needs fewer low dimensions (50) than knobs", "tune", "run", "--method",
        "hesbo-random", "--dims", "50")]
    [InlineData("--dims: the low dimension must be at least 1", "tune", "compare", "--dims", "0")]
    [InlineData("--bias: the special-value bias must lie in (0, 1) (got 1.5)", "tune", "run", "--method",
        "special-random", "--bias", "1.5")]
    [InlineData("--buckets: the bucket count must be at least 2", "tune", "run", "--buckets", "1")]
    [InlineData("--workload: unknown synthetic function 'nosuch'", "tune", "run", "--workload", "nosuch")]
    [InlineData("--duration: the synthetic target has no duration setting", "tune", "run", "--duration", "1")]
    [InlineData("--target: unknown target 'nosuch'", "tune", "space", "--target", "nosuch")]
    [InlineData("--scale", "tune", "run", "--target", "kv", "--scale", "0")]
    [InlineData("--seeds", "tune", "compare", "--seeds", "0")]
    [InlineData("--repeats: repeats must lie in [1, 100] (got 0)", "tune", "run", "--repeats", "0")]
    [InlineData("--remeasure-every: re-measure interval must lie in", "tune", "compare", "--remeasure-every", "-1")]
    [InlineData("--objective: 'p99' is not an objective of this target", "tune", "run", "--objective", "p99")]
    [InlineData("--noise-threshold: the noise threshold must lie in (0, 1]", "tune", "compare", "--noise-threshold",
        "2")]
    [InlineData("--allow-noisy: the machine is too noisy to compare methods", "tune", "compare", "--workload",
        "noisy-30", "--noise-threshold", "0.001", "--methods", "random", "--iterations", "1", "--seeds", "1")]
    [InlineData("history '/nonexistent/h.jsonl': no such file", "tune", "run", "--history", "/nonexistent/h.jsonl",
        "--resume")]
    [InlineData("--durations: the synthetic target has no duration setting", "tune", "noise", "--durations", "1,2")]
    [InlineData("--host-memory: 0 must be a positive number of bytes", "tune", "space", "--host-memory", "0")]
    [InlineData("--host-cores: -2 must be a positive number of cores", "tune", "run", "--host-cores", "-2")]
    [InlineData("--durations: 'a,1' is not a comma-separated list of seconds", "tune", "noise", "--durations", "a,1")]
    [InlineData("--runs: runs per trial must lie in [2, 100] (got 1)", "tune", "noise", "--runs", "1")]
    [InlineData("--noise-threshold: noise threshold must lie in (0, 1] (got 0)", "tune", "noise",
        "--noise-threshold", "0")]
    [InlineData("--scale", "tune", "noise", "--target", "rocksdb", "--scale", "0")]
    [InlineData("--metric: the synthetic target reports no metric 'p99' (known: score, regret)", "tune", "noise",
        "--metric", "p99")]
    public void BadInputIsAOneLineErrorWithExitCodeTwo(string mentions, params string[] args)
    {
        var (code, _, errors) = Run([.. args, "--out", PathOf("out")]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
    }

    [Fact]
    public void NoiseMeasuresTheDefaultRunAfterRunAndWritesJson()
    {
        var (code, output, errors) = Run("tune", "noise", "--workload", "noisy-20", "--runs", "6", "--trials", "3",
            "--noise-threshold", "0.2", "--json", PathOf("noise.json"));
        Assert.True(code == 0, errors + output);
        Assert.Contains("CV between trials", output);
        Assert.Contains("shortest run length under the 20.0% threshold: the target's default", output);
        var study = JsonDocument.Parse(File.ReadAllText(PathOf("noise.json"))).RootElement;
        Assert.Equal("score", study.GetProperty("metric").GetString());
        var row = study.GetProperty("rows").EnumerateArray().Single();
        Assert.False(row.TryGetProperty("durationSeconds", out _));
        var runs = row.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(3, runs.Length);
        Assert.All(runs, trial => Assert.Equal(6, trial.GetArrayLength()));
        Assert.InRange(row.GetProperty("withinCv").GetDouble(), 0.005, 0.2);
    }

    [Fact]
    public void ABadSpaceFileIsAOneLineErrorNamingFileKnobAndField()
    {
        var space = PathOf("bad.json");
        File.WriteAllText(space,
            """{ "name": "b", "knobs": [ { "name": "x", "type": "integer", "min": 0, "max": 10, "default": 11 } ] }""");
        var (code, _, errors) = Run("tune", "run", "--space", space, "--out", PathOf("out"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, $"{space}: knob 'x': field 'default'");
    }

    [Fact]
    public void TheHostOptionsBoundTheRangesThatFollowTheHost()
    {
        static JsonElement Knob(string json, string name) => JsonDocument.Parse(json).RootElement.GetProperty("knobs")
            .EnumerateArray().Single(k => k.GetProperty("name").GetString() == name);
        // write_buffer_size may reach 2% of the host's memory, max_background_jobs twice its cores.
        var (code, output, errors) = Run("tune", "space", "--target", "rocksdb", "--host-memory", "25276194816",
            "--host-cores", "3", "--json");
        Assert.True(code == 0, errors);
        Assert.Equal(505523896, Knob(output, "write_buffer_size").GetProperty("max").GetInt64());
        Assert.Equal(6, Knob(output, "max_background_jobs").GetProperty("max").GetInt64());
        // A space file's host-bound knobs follow the option too.
        File.WriteAllText(PathOf("rocks.json"), output);
        (code, output, errors) = Run("tune", "space", "--target", "rocksdb", "--space", PathOf("rocks.json"),
            "--host-memory", "10000000000", "--json");
        Assert.True(code == 0, errors);
        Assert.Equal(200000000, Knob(output, "write_buffer_size").GetProperty("max").GetInt64());
        Assert.Equal(2 * Environment.ProcessorCount, Knob(output, "max_background_jobs").GetProperty("max").GetInt64());
    }

    [Fact]
    public void AResumedRunTakesItsRangesFromTheHostItsHistoryRecords()
    {
        // The synthetic space with one knob more, whose range follows the host's memory (up to 2% of it, in bytes).
        var (code, output, errors) = Run("tune", "space", "--json");
        Assert.True(code == 0, errors);
        var space = JsonNode.Parse(output)!.AsObject();
        space["knobs"]!.AsArray().Add(JsonNode.Parse("""
            { "name": "buffer", "type": "integer", "min": 1, "max": 2, "default": 1,
              "hostMax": { "memory": 0.02, "unitBytes": 1 } }
            """));
        File.WriteAllText(PathOf("space.json"), space.ToJsonString());
        string[] Args(int iterations, params string[] extra) =>
            ["tune", "run", "--space", PathOf("space.json"), "--iterations", iterations.ToString(), "--history",
                PathOf("h.jsonl"), "--out", PathOf("out"), .. extra];
        // Made on a host of 10 GB, not the machine running the test.
        (code, _, errors) = Run(Args(2, "--host-memory", "10000000000"));
        Assert.True(code == 0, errors);
        (code, _, errors) = Run(Args(4, "--resume"));
        Assert.True(code == 0, errors);
        Assert.Equal(5, File.ReadLines(PathOf("h.jsonl")).Count(line => line.StartsWith("{\"iteration\"")));
        // A host the options name wins over the recorded one: its ranges differ, so that resume is refused.
        (code, _, errors) = Run(Args(6, "--resume", "--host-memory", "20000000000"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "follow the host's memory");
    }

    [Fact]
    public void SpaceAndTargetsWriteJsonWhereAsked()
    {
        var (code, _, errors) = Run("tune", "space", "--target", "kv", "--json", PathOf("kv-space.json"));
        Assert.True(code == 0, errors);
        // The JSON is a space file: passed back as --space, it is the same space.
        (code, var reread, errors) = Run("tune", "space", "--target", "kv", "--space", PathOf("kv-space.json"),
            "--json");
        Assert.True(code == 0, errors);
        Assert.Equal(File.ReadAllText(PathOf("kv-space.json")).Trim(), reread.Trim());
        Assert.Equal("read_cache_fraction",
            JsonDocument.Parse(reread).RootElement.GetProperty("knobs")[1].GetProperty("name").GetString());

        (code, _, errors) = Run("tune", "targets", "--json", PathOf("targets.json"));
        Assert.True(code == 0, errors);
        var targets = JsonDocument.Parse(File.ReadAllText(PathOf("targets.json"))).RootElement
            .EnumerateArray().ToArray();
        Assert.Equal(["synthetic", "kv", "postgres", "rocksdb"],
            targets.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(122, targets[2].GetProperty("knobs").GetInt32());
    }

    [Theory]
    [InlineData("--json", "/nonexistent-frugal-folder/run.json",
        "--json: folder '/nonexistent-frugal-folder' does not exist.")]
    [InlineData("--json", "/proc/run.json", "--json: cannot write into folder '/proc'.")]
    [InlineData("--json", "/tmp", "--json: '/tmp' is a folder, not a file.")]
    [InlineData("--out", "", "--out: no folder named.")]
    [InlineData("--out", "/proc/frugal-out", "--out: cannot write into folder '/proc'.")]
    [InlineData("--history", "/proc/h.jsonl", "--history: cannot write into folder '/proc'.")]
    public void WhereResultsCannotBeWrittenIsRefusedBeforeTheRun(string option, string value, string message)
    {
        var history = PathOf("h.jsonl");
        string[] args = ["tune", "run", "--iterations", "3", "--history", history, "--out", PathOf("out"), option,
            value];
        var (code, _, errors) = Run(args);
        Assert.Equal(2, code);
        AssertOneLineError(errors, message);
        Assert.False(File.Exists(history), "the run did not start");
        Assert.False(Directory.Exists(PathOf("out")));
    }

    [Fact]
    public void AHistoryDirectoryThatIsAFileIsRefusedBeforeTheComparison()
    {
        File.WriteAllText(PathOf("runs"), "");
        var (code, _, errors) = Run("tune", "compare", "--history-dir", PathOf("runs"), "--out", PathOf("out"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, $"--history-dir: '{PathOf("runs")}' is a file, not a folder.");
    }

    /// <summary>
    /// A finished run's history, with line <paramref name="line"/> (1-based) changed by <paramref name="change"/>.
    /// </summary>
    private string ChangedHistory(int line, Action<JsonObject> change)
    {
        var history = PathOf("changed.jsonl");
        var (code, _, errors) = Run("tune", "run", "--workload", "sparse-20", "--method", "special-random",
            "--iterations", "4", "--history", history, "--out", PathOf("out"));
        Assert.True(code == 0, errors);
        var lines = File.ReadAllLines(history);
        var json = JsonNode.Parse(lines[line - 1])!.AsObject();
        change(json);
        lines[line - 1] = json.ToJsonString();
        File.WriteAllLines(history, lines);
        return history;
    }

    /// <summary>
    /// Resuming the history and verifying it both fail with one line naming <paramref name="mentions"/>; the file is
    /// unchanged.
    /// </summary>
    private void AssertRefusedByResumeAndVerify(string history, string mentions)
    {
        var before = File.ReadAllText(history);
        var (code, _, errors) = Run("tune", "run", "--workload", "sparse-20", "--method", "special-random",
            "--iterations", "6", "--history", history, "--out", PathOf("out"), "--resume");
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
        (code, _, errors) = Run("tune", "verify", "--workload", "sparse-20", "--history", history, "--rounds", "1");
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
        Assert.Equal(before, File.ReadAllText(history));
    }

    [Theory]
    [InlineData(1, "version", "3", "line 1: field 'version': 3 is not a format this frugal reads (it reads 2)")]
    [InlineData(3, "seconds", "-2", "line 3: field 'seconds': -2 is negative")]
    [InlineData(4, "point", "[2, 0]", "line 4: field 'point': 2 lies outside [0, 1]")]
    public void AHistoryWithABadFieldIsRefusedByResumeAndVerify(int line, string field, string value,
        string mentions) =>
        AssertRefusedByResumeAndVerify(ChangedHistory(line, json => json[field] = JsonNode.Parse(value)), mentions);

    [Fact]
    public void AHistoryWithAKnobOutOfRangeIsRefusedByResumeAndVerify()
    {
        string? knob = null;
        var history = ChangedHistory(3, json =>
        {
            // The first knob of sparse-20 is a wide integer (1..100,000).
            var configuration = json["configuration"]!.AsObject();
            knob = configuration.First().Key;
            configuration[knob] = 100_001;
        });
        AssertRefusedByResumeAndVerify(history,
            $"line 3: field 'configuration.{knob}': 100001 lies outside [1, 100000]");
    }
}
