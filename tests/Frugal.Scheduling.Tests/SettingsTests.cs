using Frugal.Core.Errors;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;

namespace Frugal.Scheduling.Tests;

/// <summary>
/// Settings are checked against sane limits before any work, and an error names the setting in the user's terms.
/// </summary>
public class SettingsTests
{
    [Fact]
    public void ShockwaveTakesThePresetForTheClusterOrTheOneNamedWithTheChangesGiven()
    {
        Assert.Same(ShockwaveOptions.Tacc32, ShockwaveOptions.Choose(4));
        Assert.Same(ShockwaveOptions.Scale64, ShockwaveOptions.Choose(64));
        Assert.Same(ShockwaveOptions.Scale64, ShockwaveOptions.Choose(4, "scale64"));
        var changes = new ShockwaveChanges(WindowRounds: 10, TimeLimitSeconds: 5, RelativeGap: 0.01);
        var expected = ShockwaveOptions.Scale128 with
        {
            WindowRounds = 10,
            TimeLimit = TimeSpan.FromSeconds(5),
            RelativeGap = 0.01,
        };
        Assert.Equal(expected, ShockwaveOptions.Choose(4, "scale128", changes));
        var unknown = Assert.Throws<UnknownNameException>(() => ShockwaveOptions.Choose(4, "huge"));
        Assert.Equal("Shockwave preset", unknown.Setting);
    }

    [Theory]
    [InlineData("window", "Shockwave's window must be from 1 to 1,000 rounds; got 100,000,000")]
    [InlineData("lambda", "Shockwave's unfairness exponent λ must be from 0 to 100; got Infinity")]
    [InlineData("time limit",
        "Shockwave's time limit per solve must be more than 0 and at most 86,400 s; got 9.223372036854776E+18 s")]
    [InlineData("MIP gap", "Shockwave's relative MIP gap must be from 0 to 1; got 2")]
    [InlineData("makespan weight", "Shockwave's makespan weight k must be from 0 to 100000000; got NaN")]
    public void ShockwaveSettingsOutOfRangeAreNamed(string setting, string message)
    {
        var changes = setting switch
        {
            "window" => new ShockwaveChanges(WindowRounds: 100_000_000),
            "lambda" => new ShockwaveChanges(Lambda: double.PositiveInfinity),
            "time limit" => new ShockwaveChanges(TimeLimitSeconds: long.MaxValue),
            "MIP gap" => new ShockwaveChanges(RelativeGap: 2),
            _ => new ShockwaveChanges(MakespanWeight: double.NaN),
        };
        var error = Assert.Throws<BadInputException>(() => ShockwaveOptions.Choose(32, changes: changes));
        Assert.Equal(message, error.Message);
        Assert.Equal(setting, error.Setting);
    }

    [Theory]
    [InlineData(0.5, 0, "round length", "the round length must be from 1 to 86,400 s; got 0.5 s")]
    [InlineData(double.PositiveInfinity, 0, "round length",
        "the round length must be from 1 to 86,400 s; got Infinity s")]
    [InlineData(120, 120, "restart overhead",
        "the restart overhead must be at least 0 and shorter than a round (120 s); got 120 s")]
    [InlineData(120, double.NaN, "restart overhead",
        "the restart overhead must be at least 0 and shorter than a round (120 s); got NaN s")]
    public void RoundMechanicsOutOfRangeAreNamed(double round, double overhead, string setting, string message)
    {
        var options = new SimulationOptions { RoundSeconds = round, RestartOverheadSeconds = overhead };
        var error = Assert.Throws<BadInputException>(options.Validate);
        Assert.Equal(message, error.Message);
        Assert.Equal(setting, error.Setting);
    }

    [Fact]
    public void ShockwavePlansForOneGpuTypeAndSaysSoBeforeTheRun()
    {
        var throughputs = Traces.SyntheticThroughputs.Create();
        var error = Assert.Throws<BadInputException>(() => PolicyComparison.Run(
            [Fixtures.Job(0, "ResNet-18 (batch size 32)", 100, 0)], throughputs, ClusterSpec.Parse("v100=4,k80=4"),
            ["fifo", "shockwave"], new SimulationOptions()));
        Assert.Equal("Shockwave plans for one GPU type; the cluster k80=4,v100=4 has 2 types", error.Message);
        Assert.Equal("cluster", error.Setting);
    }
}
