using Frugal.Core.Errors;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Tests.Loop;

public sealed class TunerTests
{
    private static readonly SearchSpace Space =
        new("s", [Knob.Real("x", 0, 10, 2), Knob.Integer("n", 0, 100, 50), Knob.Categorical("c", "a", "a", "b"),
        Knob.Boolean("f", false)]);

    private static TuningPlan Plan(string method = "random", int iterations = 30, ulong seed = 1) =>
        new("fake", Space, TuningMethod.Parse(method, dimensions: 2), iterations, seed);

    [Fact]
    public void IterationZeroIsTheDefaultThenTheMethodsTrials()
    {
        using var target = new FakeTarget(c => (double)c["x"]);
        var outcome = Tuner.Run(target, Plan());
        Assert.Equal(31, outcome.Trials.Count);
        Assert.Equal(Space.DefaultConfiguration(), outcome.Default.Configuration);
        Assert.NotNull(outcome.Default.Point);
        Assert.Equal(2.0, outcome.Default.Value);
        Assert.True(outcome.Best.Value > 8, "30 random trials find x above 8");
        Assert.Equal((outcome.Best.Value - 2) / 2 * 100, outcome.ImprovementPercent, 9);
    }

    [Fact]
    public void UnderAProjectionTheDefaultHasNoBoxPoint()
    {
        using var target = new FakeTarget(c => (double)c["x"]);
        var outcome = Tuner.Run(target, Plan("hesbo-random"));
        Assert.Null(outcome.Default.Point);
        Assert.All(outcome.Trials.Skip(1), t => Assert.Equal(2, t.Point!.Length));
    }

    [Fact]
    public void AFailedTrialScoresTheWorstSeenSoFar()
    {
        using var target = new FakeTarget(c => (double)c["x"] + 1, fails: c => (bool)c["f"]);
        var outcome = Tuner.Run(target, Plan(iterations: 40));
        Assert.Contains(outcome.Trials, t => t.Failed);
        var worst = 3.0 / 4;
        foreach (var trial in outcome.Trials)
        {
            if (trial.Failed)
            {
                Assert.Equal(worst, trial.Value);
                Assert.Equal("fake crash", trial.Failure);
            }
            else worst = Math.Min(worst, trial.Value);
        }
        Assert.False(outcome.Best.Failed);
    }

    [Fact]
    public void FailureScoreStartsFromTheDefault()
    {
        var maximised = new FailureScore(100, maximize: true);
        Assert.Equal(25, maximised.Worst);
        maximised.Saw(40);
        Assert.Equal(25, maximised.Worst);
        maximised.Saw(10);
        Assert.Equal(10, maximised.Worst);
        var minimised = new FailureScore(2, maximize: false);
        Assert.Equal(8, minimised.Worst);
        minimised.Saw(9);
        Assert.Equal(9, minimised.Worst);
    }

    [Fact]
    public void AFailingDefaultStopsTheRun()
    {
        using var target = new FakeTarget(_ => 1, fails: _ => true);
        Assert.Contains("default configuration failed", Assert.Throws<BadInputException>(() => Tuner.Run(target,
            Plan())).Message);
    }

    [Fact]
    public void TheSameSeedGivesTheSameRun()
    {
        using var a = new FakeTarget(c => (double)c["x"]);
        using var b = new FakeTarget(c => (double)c["x"]);
        Assert.Equal(Tuner.Run(a, Plan("llamatune-random")).Trials.Select(t => t.Configuration),
            Tuner.Run(b, Plan("llamatune-random")).Trials.Select(t => t.Configuration));
    }
}
