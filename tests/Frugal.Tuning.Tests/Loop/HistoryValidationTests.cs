using System.Text.Json.Nodes;
using Frugal.Core.Errors;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Tests.Loop;

/// <summary>
/// A history is checked line by line and field by field before a run resumes it or a verification reads it.
/// </summary>
public sealed class HistoryValidationTests : IDisposable
{
    /// <summary>A small space with every kind of knob (the fuzz tests use it too).</summary>
    internal static readonly SearchSpace Space = new("s",
    [
        Knob.Integer("n", 0, 100, 50, special: new SpecialValue(-1, null)), Knob.Real("x", 0.005, 10, 2),
        Knob.Categorical("c", "a", "a", "b"), Knob.Boolean("f", false),
    ]);

    internal static readonly TuningPlan Plan = new("fake", Space, TuningMethod.Parse("special-random"), 4, 1);

    private readonly string _root = Path.Combine(Path.GetTempPath(),
        "frugal-history-validation-" + Guid.NewGuid().ToString("N"));
    private readonly string _path;
    private readonly RunIdentity _identity;

    public HistoryValidationTests()
    {
        Directory.CreateDirectory(_root);
        _path = Path.Combine(_root, "h.jsonl");
        using var target = new FakeTarget(c => (double)c["x"]);
        _identity = Plan.Identity(target.Objective);
        using var history = TuningHistory.Create(_path, _identity, Space);
        Tuner.Run(target, Plan, history);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// Rewrites line <paramref name="line"/> (1-based) of the history through <paramref name="change"/>.
    /// </summary>
    private void Change(int line, Action<JsonObject> change)
    {
        var lines = File.ReadAllLines(_path);
        var json = JsonNode.Parse(lines[line - 1])!.AsObject();
        change(json);
        lines[line - 1] = json.ToJsonString();
        File.WriteAllLines(_path, lines);
    }

    /// <summary>
    /// Resuming and loading both refuse the history with one message that names <paramref name="mentions"/>; the file
    /// is unchanged.
    /// </summary>
    private void AssertRefused(string mentions)
    {
        var before = File.ReadAllBytes(_path);
        var resumed = Assert.Throws<BadInputException>(() => TuningHistory.Resume(_path, _identity, Space));
        var loaded = Assert.Throws<BadInputException>(() => TuningHistory.Load(_path, "fake", Space));
        foreach (var error in new[] { resumed, loaded })
        {
            Assert.Contains($"history '{_path}'", error.Message);
            Assert.Contains(mentions, error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
        Assert.Equal(before, File.ReadAllBytes(_path));
    }

    [Fact]
    public void AValidHistoryLoadsEveryTrial()
    {
        var run = TuningHistory.Load(_path, "fake", Space);
        Assert.Equal(5, run.Trials.Count);
        Assert.Equal(_identity, run.Identity);
        using var resumed = TuningHistory.Resume(_path, _identity, Space);
        Assert.Equal(run.Trials.Select(t => t.Configuration), resumed.Completed.Select(t => t.Configuration));
    }

    [Fact]
    public void AnotherFormatVersionIsRefused()
    {
        Change(1, h => h["version"] = 1);
        AssertRefused("line 1: field 'version': 1 is not a format this frugal reads (it reads 2)");
    }

    [Fact]
    public void AHeaderWithoutAVersionIsRefused()
    {
        Change(1, h => h.Remove("version"));
        AssertRefused("line 1: field 'version': required");
    }

    [Fact]
    public void AFileThatIsNoHistoryIsRefused()
    {
        Change(1, h => h["kind"] = "something-else");
        AssertRefused("line 1: field 'kind': not a tuning history");
    }

    [Theory]
    [InlineData("n", "101", "line 3: field 'configuration.n': 101 lies outside [0, 100] and is not a special value")]
    [InlineData("n", "2.5", "line 3: field 'configuration.n': 2.5 is not a whole number")]
    [InlineData("n", "\"ten\"", "line 3: field 'configuration.n': must be a finite number")]
    [InlineData("x", "-3", "line 3: field 'configuration.x': -3 lies outside [0.005, 10]")]
    [InlineData("c", "\"z\"", "line 3: field 'configuration.c': \"z\" is not one of a, b")]
    [InlineData("f", "1", "line 3: field 'configuration.f': must be true or false")]
    public void AKnobValueTheKnobCannotTakeIsRefused(string knob, string value, string mentions)
    {
        Change(3, t => t["configuration"]![knob] = JsonNode.Parse(value));
        AssertRefused(mentions);
    }

    [Fact]
    public void ValuesTheDecoderProducesAreAccepted()
    {
        // The special value lies outside the range, and a linear real rounded to 2 decimals may lie just below
        // its minimum.
        Change(3, t =>
        {
            t["configuration"]!["n"] = -1;
            t["configuration"]!["x"] = 0.0;
        });
        Assert.Equal(-1L, TuningHistory.Load(_path, "fake", Space).Trials[1].Configuration["n"]);
    }

    [Theory]
    [InlineData("iteration", "7", "line 3: field 'iteration': 7, expected 1")]
    [InlineData("point", "[0.5, 1.5, 0.5, 0.5]", "line 3: field 'point': 1.5 lies outside [0, 1]")]
    [InlineData("point", "\"x\"", "line 3: field 'point': must be an array or null")]
    [InlineData("objective", "\"fast\"", "line 3: field 'objective': must be a finite number")]
    [InlineData("seconds", "-1", "line 3: field 'seconds': -1 is negative")]
    [InlineData("time", "\"yesterday\"", "line 3: field 'time': 'yesterday' is not a time")]
    [InlineData("failed", "true", "line 3: field 'reason': a failed trial needs its reason")]
    [InlineData("reason", "\"crash\"", "line 3: field 'reason': a successful trial has no reason")]
    [InlineData("metrics", "[]", "line 3: field 'metrics': must be an object")]
    public void ATrialFieldOutOfRangeIsRefused(string field, string value, string mentions)
    {
        Change(3, t => t[field] = JsonNode.Parse(value));
        AssertRefused(mentions);
    }

    [Fact]
    public void AFailedDefaultIsRefused()
    {
        Change(2, t =>
        {
            t["failed"] = true;
            t["reason"] = "crash";
        });
        AssertRefused("line 2: field 'failed': the default configuration (iteration 0) cannot have failed");
    }

    [Fact]
    public void AKnobTheSpaceLacksIsRefused()
    {
        Change(4, t => t["configuration"]!["extra"] = 1);
        AssertRefused("line 4: field 'configuration.extra': the space has no knob 'extra'");
    }

    [Fact]
    public void ALineThatIsNotJsonIsRefusedUnlessItIsTheTornLastOne()
    {
        var lines = File.ReadAllLines(_path);
        lines[2] = "{ not json";
        File.WriteAllLines(_path, lines);
        AssertRefused("line 3: not valid JSON");
    }

    [Fact]
    public void LoadingChecksTheTargetAndTheSpaceButNotTheMethod()
    {
        Assert.Contains("was made with target 'fake', not 'kv'",
            Assert.Throws<BadInputException>(() => TuningHistory.Load(_path, "kv", Space)).Message);
        var other = new SearchSpace("s", [.. Space.Knobs.Take(3)]);
        Assert.Contains("was made with space 's'", Assert.Throws<BadInputException>(() => TuningHistory.Load(_path,
            "fake", other)).Message);
        var renamed = new SearchSpace("t", Space.Knobs);
        Assert.EndsWith("not 't' (" + renamed.Fingerprint() + "); use the same settings, or another history",
            Assert.Throws<BadInputException>(() => TuningHistory.Load(_path, "fake", renamed)).Message);
    }

    [Fact]
    public void AHistoryOfTheSameSpaceFileOnAnotherHostSaysTheHostsRangesDiffer()
    {
        const string json = """
            { "name": "s", "knobs": [ { "name": "buffer", "type": "integer", "min": 1, "max": 64, "default": 1,
              "hostMax": { "memory": 0.02, "unitBytes": 1 } } ] }
            """;
        // Two boots of one virtual machine: 12 kB apart, as seen on this project's machines.
        var made = SpaceFile.Parse(json, "s.json", new HostResources(25276194816, 2));
        var now = SpaceFile.Parse(json, "s.json", new HostResources(25276182528, 2));
        var path = Path.Combine(_root, "host.jsonl");
        var plan = Plan with { Space = made };
        using (var target = new FakeTarget(c => (double)(long)c["buffer"]))
        using (var history = TuningHistory.Create(path, plan.Identity(target.Objective), made))
            Tuner.Run(target, plan, history);
        var message = Assert.Throws<BadInputException>(() => TuningHistory.Load(path, "fake", now)).Message;
        Assert.Contains($"space 's' ({made.Fingerprint()}), not 's' ({now.Fingerprint()})", message);
        Assert.Contains("follow the host's memory or cores", message);
        Assert.Equal(made.Fingerprint(), TuningHistory.Load(path, "fake",
            SpaceFile.Parse(json, "s.json", new HostResources(25276194816, 2))).Identity.SpaceFingerprint);
        // The header records the host the space was made on, so a resume can take its ranges from there.
        Assert.Equal(new HostResources(25276194816, 2), TuningHistory.RecordedHost(path));
    }

    [Fact]
    public void AHistoryRecordsNoHostWhereNoKnobFollowsIt()
    {
        Assert.Null(Space.Host);
        Assert.Null(TuningHistory.RecordedHost(_path));
        Assert.DoesNotContain("host", File.ReadLines(_path).First());
        Assert.Null(TuningHistory.RecordedHost(_path + ".not-yet"));
    }

    [Theory]
    [InlineData("{\"host\": 3}", "field 'host': must be an object")]
    [InlineData("{\"host\": {\"cores\": 2}}", "field 'host.memoryBytes': required")]
    [InlineData("{\"host\": {\"memoryBytes\": 1e9, \"cores\": 2}}", "field 'host.memoryBytes': must be a positive whole")]
    [InlineData("{\"host\": {\"memoryBytes\": 1000, \"cores\": 0}}", "field 'host.cores': must be a positive whole")]
    [InlineData("{\"host\": {\"memoryBytes\": 1000, \"cores\": 4294967296}}", "field 'host.cores'")]
    public void ABadRecordedHostIsRefused(string host, string mentions)
    {
        Change(1, header => header["host"] = JsonNode.Parse(host)!["host"]!.DeepClone());
        var message = Assert.Throws<BadInputException>(() => TuningHistory.RecordedHost(_path)).Message;
        Assert.Contains($"history '{_path}': line 1: {mentions}", message);
        AssertRefused(mentions);
    }

    [Fact]
    public void AMissingFileOrAFolderIsOneLine()
    {
        Assert.Contains("no such file", Assert.Throws<BadInputException>(() => TuningHistory.Load(_path + ".missing",
            "fake", Space)).Message);
        Assert.Contains("not a regular file", Assert.Throws<BadInputException>(() => TuningHistory.Resume(_root,
            _identity, Space)).Message);
    }

    /// <summary>Appends verification rounds (round, trial verified) to the history.</summary>
    private void AppendRounds(params (int Round, int Of)[] rounds) =>
        File.AppendAllLines(_path, rounds.Select(r => $"{{\"verify\":{r.Round},\"of\":{r.Of},\"default\":2," +
            "\"best\":null,\"time\":\"2026-12-07T10:00:00.0000000+00:00\"}"));

    [Fact]
    public void VerificationRoundsAreReadBackAndAFailedMeasurementIsNaN()
    {
        AppendRounds((0, 3), (1, 3));
        var rounds = TuningHistory.Load(_path, "fake", Space).Verifications;
        Assert.Equal([0, 1], rounds.Select(r => r.Round));
        Assert.All(rounds, r => Assert.True(r.Default == 2 && double.IsNaN(r.Best)));
    }

    [Fact]
    public void ATrialAfterAVerificationSetsItAside()
    {
        var trial = File.ReadAllLines(_path)[^1];
        AppendRounds((0, 3));
        File.AppendAllLines(_path, [trial.Replace("\"iteration\":4", "\"iteration\":5")]);
        var run = TuningHistory.Load(_path, "fake", Space);
        Assert.Equal(6, run.Trials.Count);
        Assert.Empty(run.Verifications);
    }

    [Theory]
    [InlineData(2, 3, "field 'verify': round 2, expected 0 or 1")]
    [InlineData(1, 2, "field 'of': 2, while the rounds before it verified trial 3")]
    [InlineData(1, 5, "field 'of': 5 is not a trial before it")]
    public void AVerificationRoundOutOfOrderIsRefused(int round, int of, string mentions)
    {
        AppendRounds((0, 3), (round, of));
        AssertRefused(mentions);
    }

    [Fact]
    public void AHistoryWithoutTrialsCannotBeVerified()
    {
        File.WriteAllLines(_path, [File.ReadAllLines(_path)[0]]);
        var run = TuningHistory.Load(_path, "fake", Space);
        using var target = new FakeTarget(c => (double)c["x"]);
        var error = Assert.Throws<BadInputException>(() => Verification.Run(target, run, rounds: 1));
        Assert.Contains("holds no trial yet", error.Message);
    }
}
