using Frugal.Core.Errors;
using Frugal.Core.Statistics;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Tests.Loop;

/// <summary>The measurement protocol on a fake target with injected, scripted noise.</summary>
public sealed class ProtocolTests
{
    private static readonly SearchSpace Space =
        new("s", [Knob.Real("x", 0, 10, 2), Knob.Integer("n", 0, 100, 50), Knob.Boolean("f", false)]);

    private static TuningPlan Plan(MeasurementProtocol protocol, int iterations = 12, string? metric = null) =>
        new("fake", Space, TuningMethod.Parse("random"), iterations, 3, protocol, metric);

    [Fact]
    public void ATrialIsTheMedianOfItsRunsAndRecordsTheirSpread()
    {
        // Runs 0, 1, 2 of the default: +0, +30 (an outlier), −1.
        double[] offsets = [0, 30, -1, 0, 0, 0];
        using var target = new FakeTarget(c => (double)c["x"], noise: run => offsets[run % offsets.Length]);
        var outcome = Tuner.Run(target, Plan(new MeasurementProtocol(Repeats: 3), iterations: 1));
        var baseline = outcome.Default;
        Assert.Equal([2.0, 32.0, 1.0], baseline.Runs);
        Assert.Equal(2.0, baseline.Value);
        var mean = 35.0 / 3;
        var sd = Math.Sqrt((Math.Pow(2 - mean, 2) + Math.Pow(32 - mean, 2) + Math.Pow(1 - mean, 2)) / 2);
        Assert.Equal(sd / mean, baseline.Noise, 12);
        Assert.Equal(2, target.Evaluations);
        Assert.Equal(6, target.Runs);
    }

    [Fact]
    public void TheIncumbentIsMeasuredAgainEveryKTrialsAndItsRunsArePooled()
    {
        using var target = new FakeTarget(c => (double)c["x"], noise: run => run % 7 == 0 ? 5 : 0);
        var outcome = Tuner.Run(target, Plan(new MeasurementProtocol(Repeats: 1, RemeasureEvery: 4), iterations: 12));
        Assert.Equal([4, 8, 12], outcome.Remeasurements.Select(r => r.After));
        foreach (var again in outcome.Remeasurements)
        {
            var before = outcome with
            {
                Trials = outcome.Trials.Take(again.After + 1).ToArray(),
                Remeasurements = outcome.Remeasurements.TakeWhile(r => r.After < again.After).ToArray(),
            };
            Assert.Equal(before.Best.Iteration, again.Of);
        }
        // 13 trials and 3 re-measurements, one apply each.
        Assert.Equal(16, target.Evaluations);
        var best = outcome.Best;
        var pooled = best.Runs.Concat(outcome.Remeasurements.Where(r => r.Of == best.Iteration).SelectMany(r => r.Runs))
            .Order().ToArray();
        Assert.Equal(pooled.Length % 2 == 1 ? pooled[pooled.Length / 2]
            : (pooled[pooled.Length / 2 - 1] + pooled[pooled.Length / 2]) / 2, outcome.Estimate(best));
    }

    [Fact]
    public void ALuckyRunStopsLeadingOnceReMeasured()
    {
        // Run 2 (trial 2, a poor configuration) is lucky by +100; its re-measurements are not.
        using var target = new FakeTarget(c => (double)c["x"], noise: run => run == 2 ? 100 : 0);
        var lucky = Tuner.Run(target, Plan(new MeasurementProtocol(Repeats: 1, RemeasureEvery: 3), iterations: 12));
        Assert.True(lucky.Trials[2].Value > 100);
        Assert.Equal([2, 2], lucky.Remeasurements.Take(2).Select(r => r.Of));
        Assert.NotEqual(2, lucky.Remeasurements[^1].Of);
        Assert.NotEqual(2, lucky.Best.Iteration);
        Assert.Equal((double)lucky.Trials[2].Configuration["x"], lucky.Estimate(lucky.Trials[2]));
        Assert.True(lucky.BestSoFar()[^1] < 100);
    }

    [Fact]
    public void ReMeasurementsSurviveAResume()
    {
        var path = Path.Combine(Path.GetTempPath(), $"frugal-protocol-{Guid.NewGuid():N}.jsonl");
        try
        {
            var protocol = new MeasurementProtocol(Repeats: 2, RemeasureEvery: 3);
            var plan = Plan(protocol, iterations: 9);
            using var whole = new FakeTarget(c => (double)c["x"], noise: run => run % 3);
            var uninterrupted = Tuner.Run(whole, plan);

            using var source = new CancellationTokenSource();
            using (var first = new FakeTarget(c => (double)c["x"], noise: run => run % 3) { Interrupt = (6, source) })
            using (var history = TuningHistory.Create(path, plan.Identity(first.Objective), Space))
                Assert.ThrowsAny<OperationCanceledException>(() => Tuner.Run(first, plan, history, null, source.Token));
            using var rest = new FakeTarget(c => (double)c["x"], noise: run => (run + 10) % 3);
            using (var history = TuningHistory.Resume(path, plan.Identity(rest.Objective), Space))
            {
                Assert.Single(history.Remeasurements);
                var resumed = Tuner.Run(rest, plan, history);
                Assert.Equal(uninterrupted.Remeasurements.Select(r => (r.After, r.Of)),
                    resumed.Remeasurements.Select(r => (r.After, r.Of)));
            }
            var read = TuningHistory.Load(path, "fake", Space);
            Assert.Equal(10, read.Trials.Count);
            Assert.Equal(3, read.Remeasurements.Count);
            Assert.All(read.Trials, t => Assert.Equal(2, t.Runs.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheFinalBestIsVerifiedAgainstTheDefaultAlternately()
    {
        using var target = new FakeTarget(c => (double)c["x"]);
        var outcome = Tuner.Run(target, Plan(new MeasurementProtocol(VerifyRounds: 3), iterations: 5));
        var verified = outcome.Verification!;
        Assert.Equal([2.0, 2.0, 2.0], verified.Default);
        Assert.All(verified.Best, b => Assert.Equal(outcome.Best.Value, b));
        var tail = target.Applied.TakeLast(6).ToArray();
        for (var i = 0; i < 6; i++)
            Assert.Equal(i % 2 == 0 ? outcome.Default.Configuration : outcome.Best.Configuration, tail[i]);
    }

    [Fact]
    public void AFinishedRunResumedKeepsItsVerificationInsteadOfMeasuringItAgain()
    {
        var path = Path.Combine(Path.GetTempPath(), $"frugal-protocol-{Guid.NewGuid():N}.jsonl");
        try
        {
            var plan = Plan(new MeasurementProtocol(VerifyRounds: 3), iterations: 5);
            TuningOutcome finished;
            using (var first = new FakeTarget(c => (double)c["x"], noise: run => run % 5))
            using (var history = TuningHistory.Create(path, plan.Identity(first.Objective), Space))
                finished = Tuner.Run(first, plan, history);

            using var again = new FakeTarget(c => (double)c["x"], noise: run => 100 + run);
            using (var history = TuningHistory.Resume(path, plan.Identity(again.Objective), Space))
            {
                Assert.Equal(3, history.Verifications.Count);
                var resumed = Tuner.Run(again, plan, history);
                Assert.Equal(finished.Verification!.Default, resumed.Verification!.Default);
                Assert.Equal(finished.Verification.Best, resumed.Verification.Best);
            }
            Assert.Equal(0, again.Evaluations);
            Assert.Equal(3, TuningHistory.Load(path, "fake", Space).Verifications.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnInterruptedVerificationResumesAtItsFirstMissingRound()
    {
        var path = Path.Combine(Path.GetTempPath(), $"frugal-protocol-{Guid.NewGuid():N}.jsonl");
        try
        {
            var plan = Plan(new MeasurementProtocol(VerifyRounds: 3), iterations: 5);
            using var source = new CancellationTokenSource();
            // Six trials, then round 0 (default, best) and the default of round 1, after which the run is stopped.
            using (var first = new FakeTarget(c => (double)c["x"]) { Interrupt = (9, source) })
            using (var history = TuningHistory.Create(path, plan.Identity(first.Objective), Space))
                Assert.ThrowsAny<OperationCanceledException>(() => Tuner.Run(first, plan, history, null, source.Token));

            using var rest = new FakeTarget(c => (double)c["x"] + 1000);
            TuningOutcome resumed;
            using (var history = TuningHistory.Resume(path, plan.Identity(rest.Objective), Space))
            {
                var round = Assert.Single(history.Verifications);
                Assert.Equal(0, round.Round);
                resumed = Tuner.Run(rest, plan, history);
            }
            // Rounds 1 and 2 measured on the resumed target, round 0 kept from the first.
            Assert.Equal(4, rest.Evaluations);
            var verified = resumed.Verification!;
            Assert.Equal(2.0, verified.Default[0]);
            Assert.Equal([1002.0, 1002.0], verified.Default[1..]);
            var rounds = TuningHistory.Load(path, "fake", Space).Verifications;
            Assert.Equal([0, 1, 2], rounds.Select(r => r.Round));
            Assert.All(rounds, r => Assert.Equal(resumed.Best.Iteration, r.Of));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(1, 0.01, false)]
    [InlineData(1, 0.5, true)]
    [InlineData(3, 0.5, false)]
    public void PreflightChecksTheNoiseBetweenTrials(int repeats, double spread, bool tooNoisy)
    {
        // The runs are off by +spread, −spread and 0 in turn: with one run per trial the trials' scores differ by as
        // much; with three runs per trial every trial's median is the same, however noisy its runs.
        using var target = new FakeTarget(_ => 100,
            noise: run => (run % 3) switch { 0 => spread * 100, 1 => -spread * 100, _ => 0 });
        var check = Preflight.Measure(target, Space, repeats, threshold: 0.05);
        Assert.Equal(Preflight.Trials, check.Default.Trials.Count);
        Assert.All(check.Default.Trials, t => Assert.Equal(repeats, t.Count));
        var scores = check.Default.Trials.Select(t => Summary.Median([.. t])).ToArray();
        Assert.Equal(TargetMeasuring.CoefficientOfVariation(scores), check.CoefficientOfVariation);
        Assert.Equal(repeats == 3 ? spread : 0, check.Default.WithinCv, 6);
        Assert.Equal(tooNoisy, check.TooNoisy);
        if (tooNoisy)
        {
            var e = Assert.Throws<BadInputException>(() => Preflight.Require(check, allowNoisy: false));
            Assert.Equal(Preflight.Setting, e.Setting);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains("5.0%", e.Message);
            Preflight.Require(check, allowNoisy: true);
        }
        else Preflight.Require(check, allowNoisy: false);
    }

    [Fact]
    public void InLatencyModeAThroughputBelowTheDefaultsIsAFailure()
    {
        // latency = 100 − m, so a lower latency means a higher m here: every trial beats the default's throughput
        // unless x falls below 2; those count as failed.
        using var target = new FakeTarget(c => (double)c["x"]);
        var outcome = Tuner.Run(target, Plan(MeasurementProtocol.Single, iterations: 30, metric: "latency"));
        Assert.False(outcome.Objective.Maximize);
        Assert.True(outcome.Objective.LatencyMode);
        var slow = outcome.Trials.Skip(1).Where(t => (double)t.Configuration["x"] < 2).ToArray();
        Assert.NotEmpty(slow);
        Assert.All(slow, t => Assert.Contains("below the default's", t.Failure));
        Assert.All(outcome.Trials.Skip(1).Where(t => (double)t.Configuration["x"] >= 2), t => Assert.False(t.Failed));
    }

    [Fact]
    public void AnObjectiveTheTargetLacksIsRefusedByName()
    {
        using var target = new FakeTarget(c => (double)c["x"]);
        var e = Assert.Throws<BadInputException>(() => Tuner.Run(target, Plan(MeasurementProtocol.Single, 1, "p99")));
        Assert.Equal(TargetObjective.Setting, e.Setting);
    }

    [Theory]
    [InlineData(0, 0, 0, MeasurementProtocol.RepeatsSetting)]
    [InlineData(1, -1, 0, MeasurementProtocol.RemeasureSetting)]
    [InlineData(1, 0, -1, MeasurementProtocol.VerifySetting)]
    public void ProtocolCountsOutOfRangeAreRefused(int repeats, int every, int rounds, string setting)
    {
        var e = Assert.Throws<BadInputException>(() => new MeasurementProtocol(repeats, every, rounds).Checked());
        Assert.Equal(setting, e.Setting);
    }
}
