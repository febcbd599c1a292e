using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

/// <summary>Shockwave's programmes and planner on cases small enough to work out by hand.</summary>
public class ShockwaveHandWorkedTests
{
    private const string Rn32 = "ResNet-18 (batch size 32)";
    private static readonly ShockwaveOptions Exact = new() { RelativeGap = 0, MakespanWeight = 1e-3 };

    [Fact]
    public void AThreeJobWindowGivesEveryRoundToTheJobFurthestBehind()
    {
        // One GPU, three 120 s rounds; every epoch takes a round and every job trains 5 epochs, so a
        // round adds 0.2 of utility: exactly one segment of the piecewise-linear log. Job 0 has done
        // 0 epochs, job 1 three, job 2 four. The marginal gains of a round, in log utility:
        //   job 0: ln .2 − ln 1e-6 = 12.2, then ln .4 − ln .2 = 0.693, then ln .6 − ln .4 = 0.405;
        //   job 1: ln .8 − ln .6 = 0.288;  job 2: ln 1 − ln .8 = 0.223;
        // so welfare gives all three rounds to job 0, and so does the makespan term: what is left
        // after the window is max(600 − 360, 240, 120) = 240 s, against 360 s for any other plan.
        PlanJob[] jobs =
        [
            new(0, 1, 5, 0, 120, 600, 1e6),
            new(1, 1, 5, 3, 120, 240, 1e6),
            new(2, 1, 5, 4, 120, 120, 1e6),
        ];
        var window = new PlanWindow(0, 3, 120, 1, Share: 1 / 3.0);
        foreach (var perRoundBooleans in new[] { false, true })
        {
            var plan = PlanProgram.Solve(jobs, window, Exact, fairness: false, perRoundBooleans)!;
            Assert.Equal([3, 0, 0], plan.RoundsPerJob);
            Assert.Equal(3, plan.PlannedEpochs[0], 6);
            // Σ ln u / (jobs × rounds) − k·t with u = .6, .6, .8 and t = 240 s.
            Assert.Equal((2 * Math.Log(0.6) + Math.Log(0.8)) / 9 - 1e-3 * 240, plan.Objective, 6);
        }
    }

    [Fact]
    public void TheReorderProgrammeDefersAGangJobBehindHeavierJobs()
    {
        // Two GPUs, three rounds. A needs both GPUs for one round (weight 1); B (weight 5) and C
        // (weight 10) need one GPU for two rounds each, so they share the two rounds A leaves.
        // With A in round a the cost is a + (5 + 10)·(3 − a)/2 = 22.5 − 6.5a: least for a = 2.
        var window = new PlanWindow(0, 3, 120, 2, 1);
        PlanJob[] jobs =
            [new(0, 2, 5, 0, 120, 600, 1e6, 1), new(1, 1, 5, 0, 120, 600, 1e6, 5), new(2, 1, 5, 0, 120, 600, 1e6, 10)];
        var reordered = PlanProgram.Reorder(jobs, [1, 2, 2], window, Exact)!.Value;
        Assert.Equal([2], reordered.Rounds[0]);
        Assert.Equal([0, 1], reordered.Rounds[1]);
        Assert.Equal([0, 1], reordered.Rounds[2]);
        // One GPU job for all three rounds leaves no round for the gang: no assignment exists.
        Assert.Null(PlanProgram.Reorder(jobs[..2], [1, 3], window, Exact));
    }

    [Fact]
    public void AnInfeasibleWindowIsReweightedByUnfairnessAndReordered()
    {
        // One GPU; an epoch of ResNet-18 at batch size 32 profiles as (50000/32)/13.02 = 120 s.
        // S trains 1 epoch, L 10; both arrived at 0 and the plan starts at t = 1000 with a
        // 3-round window (ends at 1360). The static forecast is 120·E·E/(E + 1): R̂_S = 60 s,
        // R̂_L = 1090.9 s; the fair share is 1/2, so FT*_S = 120 and FT*_L = 2181.8.
        // FT*_S is before the window ends: the fairness constraints are infeasible, and the jobs
        // are weighted by ρ̂ = (now + R̂/share)/FT*: S 9.33^100 (under a round left), capped at 1e6;
        // L 1.458^12 = 92.6. The plan gives S its one round and L the other two; packing alone
        // would start with L (more rounds to place), but the reorder programme puts S first:
        // 1e6·0 + 92.6·(1 + 2)/2 beats any order with S later.
        var profile = Fixtures.Throughputs((Rn32, 1, 1562.5 / 120));
        var scheduler = new ShockwaveScheduler(profile, Exact with { WindowRounds = 3 });
        JobSpec[] specs = [Fixtures.Job(0, Rn32, 1563, 0), Fixtures.Job(1, Rn32, 15630, 0)];
        var cluster = ClusterSpec.Parse("v100=1");

        var placed = Enumerable.Range(0, 3)
            .Select(round => scheduler.Plan(new RoundState(round, 1000 + 120 * round, 120,
                specs.Select(Active).ToArray(), cluster, JobSetChanged: round == 0)))
            .Select(placements => Assert.Single(placements).JobId);

        Assert.Equal([0, 1, 1], placed);
        Assert.Equal(1, scheduler.Replans);
        Assert.Equal(1, scheduler.InfeasibleReplans);
        Assert.Equal(0, scheduler.PerRoundResolves);

        ActiveJob Active(JobSpec spec) => new(
            new JobView(spec.Id, Rn32, 1, 1, new Dictionary<string, double> { ["v100"] = 1562.5 / 120 },
                spec.TotalSteps, ArrivalTime: 0),
            spec, EpochsCompleted: 0, ObservedBatchSizes: [32], BatchSizeChanged: false, LastRound: null);
    }
}
