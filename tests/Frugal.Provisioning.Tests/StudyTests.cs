using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.Results;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Tests;

/// <summary>The study, its report and the experiment's headline against chains worked out by hand.</summary>
public sealed class StudyTests
{
    private const long Day = 86400;
    private const long Hour = 3600;

    /// <summary>
    /// A 30-day trace on a 2-node pool: a 1-minute job at day 0 and day 30 fix the span, so the
    /// validation period is days 24 to 30 and, 12 h apart, three 5-day samples start at 24, 24.5
    /// and 25 d. Each submits a 1-node, 10-hour predecessor 2 days in. One 2-node, 5-hour job is
    /// submitted an hour into the first sample's predecessor: it waits for the whole pool, takes it
    /// when the predecessor ends, and being older than any successor keeps it waiting 5 hours. In the
    /// other two samples it has come and gone long before their predecessors.
    /// </summary>
    private static TraceReadResult Trace() => new(
    [
        new SlurmJob("first", 0, 0, 0, 60, 60, 1),
        new SlurmJob("wide", 26 * Day + Hour, 26 * Day + Hour, 26 * Day + Hour, 26 * Day + 6 * Hour, 5 * Hour, 2),
        new SlurmJob("last", 30 * Day, 30 * Day, 30 * Day, 30 * Day + 60, 60, 1),
    ], "hand", 0, 0);

    private static StudyOptions Options(params string[] methods) => new()
    {
        Methods = methods,
        Episode = new EpisodeSettings { Pools = NodePools.Single(2), Chain = new ChainSpec(1, 10 * Hour) },
        StrideSeconds = 12 * Hour,
    };

    [Fact]
    public void TheStudysMetricsMatchChainsWorkedOutByHand()
    {
        var study = new ProvisioningStudy(Trace(), Options("reactive", "dependency"));
        Assert.Equal([24 * Day, 24 * Day + 12 * Hour, 25 * Day], study.ValidationStarts);

        var outcomes = study.Evaluate(study.Train());
        var reactive = outcomes[0];
        var dependency = outcomes[1];
        // Reactive: interrupted 5 h in the first sample; in the others it starts a minute before the predecessor ends.
        Assert.Equal([5 * Hour, -60, -60], reactive.Gaps.Select(g => g.Seconds));
        // Dependency: eligible at the predecessor's end; the wide job still goes first in the first sample.
        Assert.Equal([5 * Hour, 0, 0], dependency.Gaps.Select(g => g.Seconds));

        var result = new ExperimentResult("provisioning.test", "test");
        ProvisioningReport.Metrics(result, outcomes);
        Assert.Equal(5.0 / 3, result.Metric("reactive.mean_interruption").Value, 12);
        Assert.Equal(200.0 / 3, result.Metric("reactive.zero_interruption").Value, 12);
        Assert.Equal(2 * 60 / 3600.0 / 3, result.Metric("reactive.overlap").Value, 12);
        Assert.Equal(5.0 / 3, result.Metric("dependency.mean_interruption").Value, 12);
        Assert.Equal(0, result.Metric("dependency.overlap").Value);

        var table = ProvisioningReport.MethodTable(outcomes);
        Assert.Equal("reactive", table.Rows[0][0]);
        Assert.Equal([3.0, 3.0], table.Numbers("chains"));
        Assert.Equal(0, table.Numbers("median_interruption")[0]);
        Assert.Equal(200.0 / 3, table.Numbers("zero_interruption")[1], 12);
    }

    [Fact]
    public void TheHeadlineIsTheLeastInterruptionWithinTheOverlapBudget()
    {
        static MethodOutcome Outcome(string method, params double[] gapHours) =>
            new(method, 1, gapHours.Select(h => new ChainGap(h * Hour, 4)).ToArray());
        var outcomes = new List<MethodOutcome>
        {
            Outcome("reactive", 2, 0, 1, -0.25),   // 0.75 h mean interruption
            Outcome("dependency", 0, 0, 0, 0),      // no interruption, but 4 nodes × 0 h: within budget
            Outcome("avg-wait", -3, -3, -3, -3),    // no interruption, 12 node-h overlap: over budget
            Outcome("gbt", 1, 0, 0, 0),             // 0.25 h
        };
        var result = new ExperimentResult("provisioning.test", "test");
        MirageExperiment.Headline(result, outcomes, "hand");
        Assert.Equal(100, result.Metrics[0].Value, 12); // dependency cuts reactive's 0.75 h to 0
        Assert.Equal(100, result.Metric("best.zero_interruption").Value, 12);
        Assert.Equal(0, result.Metric("best.overlap").Value, 12);
        Assert.StartsWith("4 chains on hand: least mean interruption", result.Summary);
        Assert.Contains("dependency (0.00 h, 100% below reactive's 0.75 h)", result.Summary);

        // Without dependency, avg-wait is over the budget and gbt is best.
        outcomes.RemoveAt(1);
        result = new ExperimentResult("provisioning.test", "test");
        MirageExperiment.Headline(result, outcomes, "hand");
        Assert.Equal(100 * (1 - 0.25 / 0.75), result.Metric("best.cut_vs_reactive").Value, 9);
        Assert.Equal(75, result.Metric("best.zero_interruption").Value, 12);
    }

    [Fact]
    public void OneMethodsEvaluationIsAResultWithItsOwnJson()
    {
        var study = new ProvisioningStudy(Trace(), Options("reactive"));
        var evaluation = study.EvaluateOne(study.Train());
        var json = JsonDocument.Parse(evaluation.ToJson()).RootElement;
        Assert.Equal("reactive", json.GetProperty("method").GetString());
        Assert.Equal("hand", json.GetProperty("trace").GetString());
        Assert.Equal(3, json.GetProperty("chains").GetInt32());
        Assert.Equal(10, json.GetProperty("chainHours").GetDouble());
        Assert.Equal(5.0 / 3, json.GetProperty("meanInterruptionHours").GetDouble(), 12);
        Assert.Equal([5, -1 / 60.0, -1 / 60.0],
            json.GetProperty("gapHours").EnumerateArray().Select(g => g.GetDouble()));
        Assert.False(json.TryGetProperty("outcome", out _));

        var result = evaluation.ToExperimentResult();
        Assert.Equal("reactive", result.Parameters["method"]);
        Assert.Equal(5.0 / 3, result.Metric("reactive.mean_interruption").Value, 12);
        Assert.Single(result.Table("methods").Rows);
        Assert.Equal(result.Name, ResultJson.Deserialize(ResultJson.Serialize(result)).Name);
    }

    [Fact]
    public void AReplayIsAResultWithItsOwnJson()
    {
        var validation = ReplayValidation.Run(Trace(), NodePools.Single(2));
        var json = JsonDocument.Parse(validation.ToJson()).RootElement;
        Assert.Equal(3, json.GetProperty("jobs").GetInt32());
        Assert.Equal("default=2", json.GetProperty("pools").GetString());
        var all = json.GetProperty("groups")[0];
        Assert.Equal("all", all.GetProperty("group").GetString());
        Assert.Equal(WaitComparison.Levels,
            all.GetProperty("quantileLevels").EnumerateArray().Select(l => l.GetDouble()));
        // Nothing waits on an idle pool, in the trace or in the simulator.
        Assert.Equal(0, all.GetProperty("ksDistance").GetDouble());
        Assert.Equal(0, validation.ToExperimentResult().Metric("all.sim_mean_wait").Value);
    }

    [Fact]
    public void AStudyChecksItsInputsBeforeItRuns()
    {
        var trace = Trace();
        BadInputException Refused(StudyOptions options) =>
            Assert.ThrowsAny<BadInputException>(() => new ProvisioningStudy(trace, options));

        Assert.Equal(MethodCatalog.Setting, Refused(Options("oracle")).Setting);
        Assert.Equal(ChainSpec.NodesSetting, Refused(Options("reactive") with
        {
            Episode = new EpisodeSettings { Pools = NodePools.Single(2), Chain = new ChainSpec(0) },
        }).Setting);
        // The chain (3 nodes) and the wide trace job (2) must each fit the pool.
        Assert.Contains("the chain asks for 3 nodes; its pool 'default' has 2", Refused(Options("reactive") with
        {
            Episode = new EpisodeSettings { Pools = NodePools.Single(2), Chain = new ChainSpec(3) },
        }).Message);
        Assert.Equal("trace job wide asks for 2 nodes; its pool 'default' has 1", Refused(Options("reactive") with
        {
            Episode = new EpisodeSettings { Pools = NodePools.Single(1), Chain = new ChainSpec(1) },
        }).Message);
        Assert.Equal(ChainSpec.LimitSetting, Refused(Options("reactive") with
        {
            Episode = new EpisodeSettings
            {
                Pools = NodePools.Single(2), Chain = new ChainSpec(1, (long)(1e12 * 3600)),
            },
        }).Setting);
        Assert.Equal(EpisodeSettings.LoadSetting, Refused(Options("reactive") with { Loads = [double.NaN] }).Setting);
        var infinite = Refused(Options("reactive") with { Loads = [double.PositiveInfinity] });
        Assert.Equal(EpisodeSettings.LoadSetting, infinite.Setting);
        Assert.Equal(StudyOptions.ProbesSetting, Refused(Options("reactive") with { ProbesPerSample = 1 }).Setting);
        // Ten seconds apart, the 19-day training period holds 164,000 starts: far more than a study runs.
        var many = Refused(Options("reactive") with { StrideSeconds = 10 });
        Assert.Equal(TimeSplit.MaxSamplesSetting, many.Setting);
        Assert.Equal("the training period holds 164,161 sample starts 10 s apart, more than the 20,000 a study runs; " +
                     "cap them with the max-samples setting", many.Message);
        var capped = Options("reactive") with { StrideSeconds = 10, MaxTrainingSamples = 3, MaxValidationSamples = 3 };
        Assert.Equal(3, new ProvisioningStudy(trace, capped).ValidationStarts.Count);
    }

    [Theory]
    [InlineData("gpu=2", "trace job first runs in partition 'default', which has no node pool (pools: gpu=2)")]
    [InlineData("0", "pool 'default' needs at least one node, not 0")]
    [InlineData("gpu=x", "node pools: 'gpu=x' is not NAME=NODES (e.g. gpu=84) or a node count")]
    [InlineData("a=1,a=2", "node pools: pool 'a' is named twice")]
    public void NodePoolsThatCannotRunTheTraceAreRefused(string pools, string message)
    {
        var e = Assert.ThrowsAny<BadInputException>(() => ReplayValidation.Run(Trace(), NodePools.Parse(pools)));
        Assert.Equal(message, e.Message);
        Assert.Equal(NodePools.Setting, e.Setting);
    }
}
