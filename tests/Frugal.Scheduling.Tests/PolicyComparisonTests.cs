using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Experiments;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;

namespace Frugal.Scheduling.Tests;

/// <summary>A comparison comes back as data: typed runs, their JSON form, its experiment result.</summary>
public class PolicyComparisonTests
{
    private static readonly Sourced<ThroughputTable> Throughputs = new(SyntheticThroughputs.Create(), "model");

    private static PolicyComparisonExperiment Experiment(params string[] policies)
    {
        var generator = new TraceGeneratorOptions { Jobs = 8, MaxDurationHours = 0.5 };
        var trace = new TraceGenerator(Throughputs.Value, generator).Generate(new SeedTree(1));
        return new PolicyComparisonExperiment(new(trace, "t.trace"), Throughputs, ClusterSpec.Parse("v100=4"), policies,
            new SimulationOptions(), ShockwaveOptions.Tacc32);
    }

    [Fact]
    public void TheResultHoldsOneRunPerPolicyInOrderUnderItsOwnName()
    {
        var experiment = Experiment("themis", "FIFO");
        var context = new ExperimentContext(new SeedTree(7).Child(experiment.Name), quick: false);
        var comparison = experiment.Compare(context);

        Assert.Equal(["finish_time_fairness", "fifo"], comparison.Runs.Select(r => r.Policy));
        Assert.Null(comparison.Published);
        var json = JsonDocument.Parse(comparison.ToJson()).RootElement;
        Assert.Equal(["finish_time_fairness", "fifo"],
            json.EnumerateArray().Select(r => r.GetProperty("policy").GetString()));
        Assert.Equal(comparison.Runs[1].Metrics.MakespanHours, json[1].GetProperty("makespanHours").GetDouble());
        Assert.Equal("t.trace", json[0].GetProperty("trace").GetString());

        var result = comparison.ToExperimentResult(context, experiment);
        Assert.Equal("schedule.compare", result.Name);
        Assert.Equal("7", result.Parameters["seed"]);
        Assert.Equal("finish_time_fairness,fifo", result.Parameters["policies"]);
        Assert.False(result.Parameters.ContainsKey("shockwave_window_rounds"));
        Assert.Equal(comparison.Runs[0].Metrics.WorstRho,
            result.Metrics.Single(m => m.Name == "finish_time_fairness.worst_rho").Value);
        Assert.Equal(["policies", "scheduler_statistics", "jobs"], result.Records.Select(r => r.Name));
    }

    [Theory]
    [InlineData("no policy named")]
    [InlineData("policy 'fifo' is named twice", "fifo", "fifo")]
    [InlineData("unknown policy 'bogus'", "fifo", "bogus")]
    public void BadPolicyListsFailWhenTheExperimentIsMadeBeforeAnythingRuns(string message, params string[] policies) =>
        Assert.Contains(message, Assert.ThrowsAny<BadInputException>(() => Experiment(policies)).Message);
}
