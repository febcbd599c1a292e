using Frugal.Core.Errors;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

public class ShockwaveTests
{
    private static readonly ShockwaveOptions Exact = new() { RelativeGap = 0, MakespanWeight = 1e-3 };

    private static readonly PlanJob[] Jobs =
    [
        new(0, 1, 10, 2, 60, 500, 4000),
        new(1, 1, 4, 0, 100, 400, 2000),
        new(2, 2, 6, 3, 40, 150, 1500),
    ];

    /// <summary>
    /// The log utility the programme approximates, computed here on its own: linear interpolation of
    /// ln between the breakpoints 0, 0.2, …, 1, with ln 0 taken as ln 1e-6 (the design brief's choice).
    /// </summary>
    private static double InterpolatedLog(double u)
    {
        static double Ln(double b) => b == 0 ? Math.Log(1e-6) : Math.Log(b);
        var k = Math.Min(4, (int)Math.Floor(u / 0.2));
        var (lo, hi) = (k * 0.2, (k + 1) * 0.2);
        return Ln(lo) + (Ln(hi) - Ln(lo)) * (u - lo) / (hi - lo);
    }

    /// <summary>Every x[j,r] of a 3-job, 3-round, 2-GPU window, scored as the design brief defines it.</summary>
    private static double? BruteForce(PlanJob[] jobs, PlanWindow window, ShockwaveOptions options, bool fairness)
    {
        double? best = null;
        var cells = jobs.Length * window.Rounds;
        for (var mask = 0; mask < 1 << cells; mask++)
        {
            var feasible = true;
            for (var r = 0; r < window.Rounds && feasible; r++)
                feasible =
                    Enumerable.Range(0, jobs.Length).Where(j => (mask >> (j * window.Rounds + r) & 1) == 1)
                    .Sum(j => jobs[j].Gpus) <= window.Gpus;
            if (!feasible) continue;
            double welfare = 0, t = 0;
            for (var j = 0; j < jobs.Length && feasible; j++)
            {
                var job = jobs[j];
                var n = Enumerable.Range(0, window.Rounds).Count(r => (mask >> (j * window.Rounds + r) & 1) == 1);
                // More planned epochs only help every term, so p takes its upper bound.
                var p = Math.Min(job.TotalEpochs - job.EpochsCompleted, window.RoundSeconds * n / job.MeanEpochSeconds);
                var left = job.RemainingSeconds - p * job.MeanEpochSeconds;
                if (fairness
                    && (window.End > options.RhoMax * job.FairFinishTime
                    || window.End + left / window.Share > options.RhoMax * job.FairFinishTime + 1e-9))
                    feasible = false;
                welfare += job.Weight * InterpolatedLog((job.EpochsCompleted + p) / job.TotalEpochs);
                t = Math.Max(t, left);
            }
            if (!feasible) continue;
            var score = welfare / (jobs.Length * window.Rounds) - options.MakespanWeight * t;
            if (best is null || score > best) best = score;
        }
        return best;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ThePlanIsOptimalByBruteForce(bool fairness, bool perRoundBooleans)
    {
        var window = new PlanWindow(0, 3, 120, 2, Share: 2 / 3.0);
        var expected = BruteForce(Jobs, window, Exact, fairness);
        var solution = PlanProgram.Solve(Jobs, window, Exact, fairness, perRoundBooleans);
        Assert.NotNull(expected);
        Assert.NotNull(solution);
        Assert.Equal(expected!.Value, solution!.Objective, 6);
        Assert.True(Jobs.Select((j, i) => j.Gpus * solution.RoundsPerJob[i]).Sum() <= 2 * 3);
    }

    [Fact]
    public void FairnessConstraintsHoldInEveryFeasiblePlanAndInfeasibilityIsReported()
    {
        var window = new PlanWindow(0, 3, 120, 2, Share: 2 / 3.0);
        var solution = PlanProgram.Solve(Jobs, window, Exact, fairness: true, perRoundBooleans: false)!;
        for (var j = 0; j < Jobs.Length; j++)
        {
            var left = Jobs[j].RemainingSeconds - solution.PlannedEpochs[j] * Jobs[j].MeanEpochSeconds;
            Assert.True(window.End + left / window.Share <= Jobs[j].FairFinishTime + 1e-6, $"job {j}");
        }
        // A job whose fair finish comes before the window ends makes the constraints infeasible.
        PlanJob[] late = [.. Jobs[..2], Jobs[2] with { FairFinishTime = 200 }];
        Assert.Null(BruteForce(late, window, Exact, fairness: true));
        Assert.Null(PlanProgram.Solve(late, window, Exact, fairness: true, perRoundBooleans: false));
        // Tight but satisfiable: job 1 must get enough rounds.
        PlanJob[] tight = [Jobs[0], Jobs[1] with { FairFinishTime = 360 + (400 - 120 * 2) * 1.5 }, Jobs[2]];
        var forced = PlanProgram.Solve(tight, window, Exact, fairness: true, perRoundBooleans: true)!;
        Assert.True(forced.RoundsPerJob[1] >= 2);
        Assert.Equal(BruteForce(tight, window, Exact, fairness: true)!.Value, forced.Objective, 6);
    }

    [Fact]
    public void TheReorderProgrammeMovesHeavyJobsEarly()
    {
        var window = new PlanWindow(0, 3, 120, 1, 1);
        PlanJob[] jobs = [Jobs[0] with { Weight = 1 }, Jobs[1] with { Weight = 100 }];
        var reordered = PlanProgram.Reorder(jobs, [2, 1], window, Exact)!.Value;
        Assert.Equal([0], reordered.Rounds[1]);
        Assert.Equal([1, 2], reordered.Rounds[0]);
    }

    [Fact]
    public void RoundPackingGivesEachJobItsRoundsWithinCapacity()
    {
        int[] n = [3, 1, 1, 1, 3];
        int[] gpus = [1, 2, 1, 2, 1];
        var rounds = RoundPacking.TryPack(n, gpus, capacity: 4, rounds: 3, priority: [0, 0, 0, 0, 0])!;
        for (var j = 0; j < n.Length; j++) Assert.Equal(n[j], rounds[j].Distinct().Count());
        for (var r =
            0; r < 3; r++) Assert.True(Enumerable.Range(0, n.Length).Where(j => rounds[j].Contains(r))
            .Sum(j => gpus[j]) <= 4);
        Assert.Null(RoundPacking.TryPack([2, 2], [2, 2], capacity: 3, rounds: 2, priority: [0, 0]));
        // Σ w·n fits the window (12 of 12 GPU-rounds) but no round assignment exists: the planner re-solves with
        // per-round booleans.
        Assert.Null(
            RoundPacking.TryPack([3, 1, 2, 1, 3], [1, 2, 1, 2, 1], capacity: 4, rounds: 3, priority: [0, 0, 0, 0, 0]));
    }

    private static readonly ThroughputTable Profile = Fixtures.Throughputs(
        ("ResNet-18 (batch size 32)", 1, 156.25), ("ResNet-18 (batch size 256)", 1, 97.65625));

    private static RuntimePredictor Predictor(AdaptationMode mode, int epochs) =>
        new(Fixtures.Job(0, "ResNet-18 (batch size 32)", epochs * 1563.0, 0, mode: mode), Profile, "v100");

    [Fact]
    public void ProfiledEpochDurationsAreWholeSeconds()
    {
        // 20 Accordion epochs: 0–9 critical at 32, 10–19 at 256 (the profile's modes).
        var predictor = Predictor(AdaptationMode.Accordion, 20);
        Assert.Equal(10, predictor.EpochSeconds(32)); // (50000/32)/156.25 = 10
        Assert.Equal(2, predictor.EpochSeconds(256)); // (50000/256)/97.66 = 2
        Assert.Equal([32, 256], predictor.Modes);
    }

    [Fact]
    public void TheModesAreTheDistinctBatchSizesOfTheJobsProfile()
    {
        // GNS ResNet-18 at bs 32 on 1 GPU doubles from epoch 21 and quadruples from 31: a 25-epoch job's profile
        // only reaches 64, so its modes are {32, 64}, not every batch size GNS could reach (up to 256).
        var profile = Fixtures.Throughputs(("ResNet-18 (batch size 32)", 1, 156.25),
            ("ResNet-18 (batch size 64)", 1, 100));
        var job = Fixtures.Job(0, "ResNet-18 (batch size 32)", 25 * 1563.0, 0, mode: AdaptationMode.Gns);
        Assert.Equal([32, 64], new RuntimePredictor(job, profile, "v100").Modes);
        Assert.Equal([32], Predictor(AdaptationMode.Accordion, 3).Modes); // too short to leave its critical regime
    }

    [Fact]
    public void AStaticJobsForecastFollowsTheArtifactsFormula()
    {
        // 3 epochs completed and the 4th begun, all four observed (as the artifact counts them): α = 10 + 4;
        // epochs left at 32: 10 − 4 = 6; R̂ = 6·10 s × 7 / max(7, ⌊6 + 1⌋) = 60 s. The artifact's forecast of
        // a static job leaves out the epoch in progress; we keep it.
        var predictor = Predictor(AdaptationMode.Static, 10);
        Assert.Equal(60, predictor.RemainingSeconds([32, 32, 32, 32], epochsCompleted: 3), 9);
        Assert.Equal(10, predictor.MeanObservedEpochSeconds([32, 32, 32, 32]), 9);
        Assert.Equal(30, predictor.CompletedSeconds([32, 32, 32, 32], 3), 9);
    }

    [Fact]
    public void TheDirichletPosteriorWeighsModesByWhatWasObserved()
    {
        // 20 epochs, modes {32, 256} (the profile's), 4 completed and the 5th begun at 32: α = (10 + 5, 10);
        // expected epochs left at 32: 20·15/25 − 5 = 7, at 256: 20·10/25 = 8 (sum 15); 16 remain, so the factor
        // is 16 / max(16, ⌊15 + 1⌋) = 1: R̂ = 7·10 + 8·2 = 86 s.
        var predictor = Predictor(AdaptationMode.Accordion, 20);
        const double expected = 7 * 10 + 8 * 2;
        Assert.Equal(expected, predictor.RemainingSeconds([32, 32, 32, 32, 32], epochsCompleted: 4), 9);
        // Once an epoch at 256 is seen, the posterior shifts towards it.
        Assert.True(predictor.RemainingSeconds([32, 32, 32, 32, 256, 256], 5) < expected);
    }

    [Fact]
    public void MeasurementsFarFromTheProfileRecalibrateEveryDuration()
    {
        var predictor = Predictor(AdaptationMode.Static, 10);
        predictor.Observe(32, steps: 156.25 * 100 * 0.8, seconds: 100); // 20% slow: within 40%, no change
        Assert.Equal(1, predictor.Calibration);
        predictor.Observe(32, steps: 156.25 * 1000 * 0.4, seconds: 1000); // now far slower overall
        Assert.True(predictor.Calibration > 1.4);
        Assert.Equal(10 * predictor.Calibration, predictor.EpochSeconds(32), 9);
    }

    [Fact]
    public void FairShareEstimatesAreMomentumAveragedByRoundsInForce()
    {
        var history = new FairShareHistory(admittedAt: 0);
        history.Record(0, 100);
        Assert.Equal(100, history.Target(0));
        history.Record(5, 200);
        Assert.Equal(0.9 * 100 + 0.1 * 200, history.Target(5), 9);
        // A re-plan without a job-set change records nothing: the latest estimate counts the rounds since it was made.
        Assert.Equal(0.9 * ((100 * 5 + 200 * 2) / 7.0) + 0.1 * 200, history.Target(7), 9);
        history.Record(7, 300);
        Assert.Equal(0.9 * ((100 * 5 + 200 * 2) / 7.0) + 0.1 * 300, history.Target(7), 9);
    }

    private sealed class Counting(ShockwaveScheduler inner) : IRoundScheduler
    {
        public int JobSetChanges { get; private set; }
        public List<int> ReplanRounds { get; } = [];
        public string Name => inner.Name;
        public IReadOnlyDictionary<string, double> Statistics => inner.Statistics;

        public IReadOnlyList<Placement> Plan(RoundState state)
        {
            if (state.JobSetChanged) JobSetChanges++;
            var before = inner.Replans;
            var placements = inner.Plan(state);
            if (inner.Replans > before) ReplanRounds.Add(state.Round);
            return placements;
        }
    }

    [Fact]
    public void ItAlsoReplansEveryEighthRoundAsTheArtifactDoes()
    {
        // One job alone for 20 rounds: its arrival is the only job-set change until it completes, so the re-plans at
        // rounds 8 and 16 are the periodic ones (the 20-round window would have lasted until round 20).
        const string type = "ResNet-18 (batch size 32)";
        var throughputs = Fixtures.Throughputs((type, 1, 10));
        var shockwave = new ShockwaveScheduler(throughputs, ShockwaveOptions.Tacc32);
        var counting = new Counting(shockwave);
        new Simulator(throughputs, ClusterSpec.Parse("v100=1"), new SimulationOptions { RestartOverheadSeconds = 0 })
            .Run([Fixtures.Job(0, type, 10 * 120 * 20, 0)], counting);
        Assert.Equal([0, 8, 16], counting.ReplanRounds);
    }

    [Fact]
    public void ItReplansExactlyWhenJobsArriveOrComplete()
    {
        var throughputs = SyntheticThroughputs.Create();
        var trace = new TraceGenerator(
                throughputs, new TraceGeneratorOptions { Jobs = 12, MaxDurationHours = 1, MeanArrivalGapSeconds = 300 })
            .Generate(new Core.Randomness.SeedTree(9));
        // A window longer than the whole run and no periodic re-plan: only job-set changes can trigger a re-plan.
        var shockwave = new ShockwaveScheduler(throughputs,
            ShockwaveOptions.Tacc32 with { WindowRounds = 400, ReplanEveryRounds = 0 });
        var counting = new Counting(shockwave);
        var result = new Simulator(throughputs, ClusterSpec.Parse("v100=4")).Run(trace, counting);
        Assert.Equal(counting.JobSetChanges, shockwave.Replans);
        Assert.True(shockwave.Replans >= 12,
            "every arrival that finds others waiting, and every completion, changes the job set");
        Assert.Equal(shockwave.Replans, (int)result.SchedulerStatistics["replans"]);
        Assert.All(result.Rounds, r => Assert.InRange(r.GpusHeld, 0, 4));
    }

    [Fact]
    public void PresetsAreNamedAndValidated()
    {
        Assert.Equal(10, ShockwaveOptions.Presets.Get("scale64").MakespanWeight);
        Assert.Equal(15, ShockwaveOptions.Presets.Get("SCALE128").Lambda);
        Assert.Same(ShockwaveOptions.Tacc32, ShockwaveOptions.ForCluster(32));
        Assert.Same(ShockwaveOptions.Scale64, ShockwaveOptions.ForCluster(64));
        Assert.Same(ShockwaveOptions.Scale128, ShockwaveOptions.ForCluster(100));
        Assert.Same(ShockwaveOptions.Scale256, ShockwaveOptions.ForCluster(256));
        Assert.Contains("known: tacc32, scale64, scale128, scale256",
            Assert.Throws<UnknownNameException>(() => ShockwaveOptions.Presets.Get("huge")).Message);
        var error = Assert.Throws<BadInputException>(
            () => new ShockwaveScheduler(
                SyntheticThroughputs.Create(), ShockwaveOptions.Tacc32 with { WindowRounds = 0 }));
        Assert.Equal("window", error.Setting);
    }
}
