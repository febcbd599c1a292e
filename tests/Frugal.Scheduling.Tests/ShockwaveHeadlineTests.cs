using Frugal.Core.Randomness;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;

namespace Frugal.Scheduling.Tests;

/// <summary>
/// The Shockwave paper's claim, in shape: on a trace of dynamically adapting jobs, Shockwave finishes
/// the whole trace sooner than Themis and Gavel and treats its worst-off job better (lower worst ρ).
/// </summary>
public class ShockwaveHeadlineTests
{
    [Theory]
    // Generated as `frugal schedule trace --jobs N --gap 120 --max-hours 1 --seed S`, on 4 V100s with the
    // measured TACC throughputs; margins on these traces: makespan ≥ 9% shorter, worst ρ ≥ 19% lower.
    [InlineData(4UL, 16)]
    [InlineData(9UL, 12)]
    public void ShockwaveHasAShorterMakespanAndALowerWorstRhoThanThemisAndGavel(ulong seed, int jobs)
    {
        var throughputs = ThroughputTable.Read(Path.Combine(Fixtures.ShockwaveData(), ScheduleInputs.TaccThroughputs));
        var options = new TraceGeneratorOptions { Jobs = jobs, MeanArrivalGapSeconds = 120, MaxDurationHours = 1 };
        var trace = new TraceGenerator(throughputs, options).Generate(new SeedTree(seed));
        var cluster = ClusterSpec.Parse("v100=4");

        // Without the artifact's periodic re-plan: on seed 4 one of its extra solves needs the per-round booleans
        // and can reach the 15 s limit on a loaded machine, which would make the outcome depend on the machine.
        // For the same reason the limit is 60 s: a few per-round-boolean solves take seconds when the machine is
        // busy (the full suite in parallel on 2 shared cores hit 15 s once on seed 9).
        var shockwaveOptions = ShockwaveOptions.ForCluster(cluster.TotalGpus) with
        {
            ReplanEveryRounds = 0,
            TimeLimit = TimeSpan.FromSeconds(60),
        };
        var runs = PolicyComparison.Run(trace, throughputs, cluster, ["shockwave", "themis", "gavel"],
            new SimulationOptions(), shockwaveOptions);

        var (shockwave, themis, gavel) = (runs[0].Metrics, runs[1].Metrics, runs[2].Metrics);
        // Every solve ended well inside its time limit, so the plans do not depend on the machine's speed.
        Assert.Equal(0, runs[0].SchedulerStatistics["time_limit_hits"]);
        Assert.True(shockwave.MakespanHours < Math.Min(themis.MakespanHours, gavel.MakespanHours),
            $"makespan: shockwave {shockwave.MakespanHours:F2} h, themis {themis.MakespanHours:F2} h, "
            + $"gavel {gavel.MakespanHours:F2} h");
        Assert.True(shockwave.WorstRho < Math.Min(themis.WorstRho, gavel.WorstRho),
            $"worst ρ: shockwave {shockwave.WorstRho:F2}, themis {themis.WorstRho:F2}, gavel {gavel.WorstRho:F2}");
    }
}
