using System.Text.Json;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class TuneCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "frugal-tune-tests-" + Guid.NewGuid().ToString("N"));

    public TuneCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string PathOf(string name) => Path.Combine(_root, name);

    [Fact]
    public void RunTunesTheSyntheticTargetAndWritesHistoryReportAndJson()
    {
        var history = PathOf("h.jsonl");
        var (code, output, errors) = Run("tune", "run", "--target", "synthetic", "--workload", "sparse-20", "--method", "random", "--iterations", "15",
            "--history", history, "--out", PathOf("out"), "--json", PathOf("run.json"));
        Assert.True(code == 0, errors + output);
        Assert.Contains("improvement", output);
        Assert.Equal(17, File.ReadAllLines(history).Length);
        var run = JsonDocument.Parse(File.ReadAllText(PathOf("run.json"))).RootElement;
        Assert.Equal("score", run.GetProperty("objective").GetString());
        Assert.True(run.GetProperty("best").GetProperty("value").GetDouble() >= run.GetProperty("default").GetProperty("value").GetDouble());
        Assert.Equal(16, run.GetProperty("trials").GetArrayLength());
        Assert.Contains("data:image/png;base64,", File.ReadAllText(PathOf("out/report/index.html")));
        Assert.True(File.Exists(PathOf("out/results/tuning.run.trials.csv")));
    }

    [Fact]
    public void ResumeContinuesTheHistoryAndGivesTheUninterruptedRun()
    {
        string[] Args(string history, int iterations, params string[] extra) =>
            ["tune", "run", "--method", "hesbo-special-random", "--dims", "4", "--iterations", iterations.ToString(), "--seed", "3", "--history", history, "--out", PathOf("out"), "--json", .. extra];
        var (code, _, errors) = Run(Args(PathOf("part.jsonl"), 6));
        Assert.True(code == 0, errors);
        (code, var resumed, errors) = Run(Args(PathOf("part.jsonl"), 12, "--resume"));
        Assert.True(code == 0, errors);
        (code, var whole, errors) = Run(Args(PathOf("whole.jsonl"), 12));
        Assert.True(code == 0, errors);
        static string Trials(string json) => JsonDocument.Parse(json).RootElement.GetProperty("trials").GetRawText();
        Assert.Equal(Trials(whole), Trials(resumed));
        Assert.Equal(14, File.ReadAllLines(PathOf("part.jsonl")).Length);

        (code, _, errors) = Run(["tune", "run", "--method", "random", "--iterations", "12", "--seed", "3", "--history", PathOf("part.jsonl"), "--out", PathOf("out"), "--resume"]);
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
            ["tune", "compare", "--methods", "random,special-random", "--iterations", iterations.ToString(), "--seeds", "2", "--history-dir", PathOf("runs"),
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
        Assert.Equal(JsonDocument.Parse(whole).RootElement.GetProperty("methods").GetRawText(), JsonDocument.Parse(resumed).RootElement.GetProperty("methods").GetRawText());
    }

    [Fact]
    public void VerifyMeasuresTheBestConfigurationAgainstTheDefaultAgain()
    {
        var history = PathOf("v.jsonl");
        var (code, _, errors) = Run("tune", "run", "--workload", "noisy-20", "--method", "special-random", "--iterations", "20", "--history", history, "--out", PathOf("out"));
        Assert.True(code == 0, errors);
        (code, var json, errors) = Run("tune", "verify", "--workload", "noisy-20", "--history", history, "--rounds", "4", "--json");
        Assert.True(code == 0, errors);
        var verified = JsonDocument.Parse(json).RootElement;
        Assert.Equal(4, verified.GetProperty("best").GetArrayLength());
        Assert.Equal("score", verified.GetProperty("metric").GetString());
        // The noisy surface's best trial is a real improvement (the noise is 5%), so re-measured it still wins.
        Assert.True(verified.GetProperty("medianBest").GetDouble() > verified.GetProperty("medianDefault").GetDouble());

        (code, _, errors) = Run("tune", "verify", "--target", "kv", "--history", history);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "tuned target 'synthetic'");
        (code, _, errors) = Run("tune", "verify", "--workload", "sparse-30", "--history", history);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "searched space");
        (code, _, errors) = Run("tune", "verify", "--history", PathOf("missing.jsonl"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "missing.jsonl");
    }

    [Fact]
    public void CompareReportsTrialsRatiosForWrappedMethods()
    {
        var (code, output, errors) = Run("tune", "compare", "--target", "synthetic", "--workload", "sparse-30", "--methods", "random,hesbo-random,special-random",
            "--iterations", "20", "--seeds", "3", "--out", PathOf("out"), "--json");
        Assert.True(code == 0, errors);
        var methods = JsonDocument.Parse(output).RootElement.GetProperty("methods");
        Assert.Equal(["random", "hesbo-random", "special-random"], methods.EnumerateArray().Select(m => m.GetProperty("method").GetString()));
        Assert.Equal(JsonValueKind.Null, methods[0].GetProperty("trialsRatio").ValueKind);
        foreach (var wrapped in methods.EnumerateArray().Skip(1))
        {
            Assert.Equal("random", wrapped.GetProperty("plain").GetString());
            Assert.Equal(3, wrapped.GetProperty("trialsRatioPerSeed").GetArrayLength());
            Assert.InRange(wrapped.GetProperty("reached").GetInt32(), 0, 3);
            Assert.True(wrapped.GetProperty("trialsRatio").ValueKind is JsonValueKind.Number or JsonValueKind.Null);
        }
        Assert.True(File.Exists(PathOf("out/report/plots/tuning.compare.best-so-far.png")));
    }

    [Fact]
    public void RunTunesTheKeyValueStore()
    {
        var (code, output, errors) = Run("tune", "run", "--target", "kv", "--workload", "B", "--scale", "10", "--duration", "0.1", "--warmup", "0",
            "--iterations", "2", "--out", PathOf("out"), "--json");
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
    [InlineData("unknown method 'annealing'", "tune", "run", "--method", "annealing")]
    [InlineData("--iterations", "tune", "run", "--iterations", "0")]
    [InlineData("--dims", "tune", "run", "--method", "hesbo-random", "--dims", "50")]
    [InlineData("--bias", "tune", "run", "--method", "special-random", "--bias", "1.5")]
    [InlineData("--workload", "tune", "run", "--workload", "nosuch")]
    [InlineData("--scale", "tune", "run", "--target", "kv", "--scale", "0")]
    [InlineData("--seeds", "tune", "compare", "--seeds", "0")]
    [InlineData("does not exist", "tune", "run", "--history", "/nonexistent/h.jsonl", "--resume")]
    public void BadInputIsAOneLineErrorWithExitCodeTwo(string mentions, params string[] args)
    {
        var (code, _, errors) = Run([.. args, "--out", PathOf("out")]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
    }

    [Fact]
    public void ABadSpaceFileIsAOneLineErrorNamingFileKnobAndField()
    {
        var space = PathOf("bad.json");
        File.WriteAllText(space, """{ "name": "b", "knobs": [ { "name": "x", "type": "integer", "min": 0, "max": 10, "default": 11 } ] }""");
        var (code, _, errors) = Run("tune", "run", "--space", space, "--out", PathOf("out"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, $"{space}: knob 'x': field 'default'");
    }
}
