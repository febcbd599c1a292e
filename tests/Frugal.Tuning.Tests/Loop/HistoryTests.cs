using System.Text;
using Frugal.Core.Errors;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets.Synthetic;

namespace Frugal.Tuning.Tests.Loop;

public sealed class HistoryTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-history-tests-" + Guid.NewGuid().ToString("N"));
    private static readonly SyntheticFunction Function = SyntheticFunction.Parse("sparse-30");

    public HistoryTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TuningPlan Plan(string method = "hesbo-special-random", ulong seed = 9, int iterations = 25) =>
        new("synthetic", Function.Space, TuningMethod.Parse(method, dimensions: 4), iterations, seed);

    private static FakeTarget Target(CancellationTokenSource? interrupt = null, int after = 0) =>
        new(Function.Score, Function.Crashes) { Interrupt = interrupt is null ? null : (after, interrupt) };

    [Theory]
    [InlineData("random")]
    [InlineData("hesbo-special-random")]
    public void AnInterruptedRunResumesToTheSameTrialsAsAnUninterruptedOne(string method)
    {
        var plan = Plan(method);
        var identity = plan.Identity(Target().Objective);
        using var whole = Target();
        var uninterrupted = Tuner.Run(whole, plan);

        var path = Path.Combine(_root, "h.jsonl");
        using var cancel = new CancellationTokenSource();
        using (var history = TuningHistory.Create(path, identity, Function.Space))
        using (var interrupted = Target(cancel, after: 11))
            Assert.ThrowsAny<OperationCanceledException>(() =>
                Tuner.Run(interrupted, plan, history, cancellation: cancel.Token));
        Assert.Equal(11, File.ReadAllLines(path).Length);

        using var resumedTarget = Target();
        TuningOutcome resumed;
        using (var history = TuningHistory.Resume(path, identity, Function.Space))
        {
            Assert.Equal(10, history.Completed.Count);
            resumed = Tuner.Run(resumedTarget, plan, history);
        }
        Assert.Equal(16, resumedTarget.Evaluations);
        Assert.Equal(uninterrupted.Trials.Select(t => t.Configuration), resumed.Trials.Select(t => t.Configuration));
        Assert.Equal(uninterrupted.Trials.Select(t => t.Value), resumed.Trials.Select(t => t.Value));
        var onDisk = TuningHistory.Load(path, "synthetic", Function.Space).Trials;
        Assert.Equal(uninterrupted.Trials.Select(t => t.Configuration), onDisk.Select(t => t.Configuration));
        Assert.Equal(uninterrupted.Trials.Select(t => t.Point), onDisk.Select(t => t.Point));
    }

    [Fact]
    public void AHalfWrittenLastLineIsCutOff()
    {
        var plan = Plan(iterations: 5);
        var identity = plan.Identity(Target().Objective);
        var path = Path.Combine(_root, "h.jsonl");
        using (var history = TuningHistory.Create(path, identity, Function.Space))
        using (var target = Target())
            Tuner.Run(target, plan, history);
        File.AppendAllText(path, "{\"iteration\":6,\"configur", Encoding.UTF8);
        using (var history = TuningHistory.Resume(path, identity, Function.Space))
        using (var target = Target())
        {
            Assert.Equal(6, history.Completed.Count);
            Tuner.Run(target, Plan(iterations: 7), history);
            Assert.Equal(2, target.Evaluations);
        }
        Assert.Equal(9, File.ReadAllLines(path).Length);
    }

    [Theory]
    [InlineData("random", 9UL, "method hesbo-special-random (d=4, bias=0.2, buckets=none), not random")]
    [InlineData("hesbo-special-random", 10UL, "seed 9, not 10")]
    public void AHistoryOfAnotherRunIsRefusedNamingTheField(string method, ulong seed, string mentions)
    {
        var plan = Plan();
        var path = Path.Combine(_root, "h.jsonl");
        using (var history = TuningHistory.Create(path, plan.Identity(Target().Objective), Function.Space))
        using (var target = Target())
            Tuner.Run(target, Plan(iterations: 2), history);
        var other = Plan(method, seed);
        var error = Assert.Throws<BadInputException>(() => TuningHistory.Resume(path,
            other.Identity(Target().Objective), Function.Space));
        Assert.Contains(mentions, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AnExistingHistoryIsNotOverwritten()
    {
        var plan = Plan();
        var path = Path.Combine(_root, "h.jsonl");
        using (TuningHistory.Create(path, plan.Identity(Target().Objective), Function.Space)) { }
        var error = Assert.Throws<HistoryExistsException>(() => TuningHistory.Create(path,
            plan.Identity(Target().Objective), Function.Space));
        Assert.Equal(path, error.Path);
        Assert.Equal(TuningHistory.Setting, error.Setting);
    }

    [Fact]
    public void ATrialLineHoldsTheConfigurationPointMetricsAndOutcome()
    {
        var plan = Plan(iterations: 1);
        var path = Path.Combine(_root, "h.jsonl");
        using (var history = TuningHistory.Create(path, plan.Identity(Target().Objective), Function.Space))
        using (var target = Target())
            Tuner.Run(target, plan, history);
        var line = File.ReadAllLines(path)[2];
        foreach (var field in new[]
        {
            "\"iteration\":1", "\"configuration\":{", "\"point\":[", "\"metrics\":{", "\"objective\":",
            "\"failed\":", "\"reason\":", "\"seconds\":", "\"time\":",
        })
            Assert.Contains(field, line);
    }
}
