using System.Diagnostics;
using Frugal.Core.Errors;
using Frugal.Core.Statistics;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;

namespace Frugal.Scheduling.Policies.Shockwave;

/// <summary>
/// Shockwave (NSDI '23): plans a window of rounds ahead by solving a market (Nash social welfare
/// over log utilities of progress) with a makespan regulariser and finish-time-fairness
/// constraints, for jobs whose batch size, and so throughput, changes as they train. It re-plans
/// when the job set changes and every few rounds (the artifact: 8), and otherwise replays its plan;
/// idle GPUs in a planned round go to unplanned jobs, longest predicted remaining time first.
/// </summary>
internal sealed class ShockwaveScheduler : IRoundScheduler
{
    private readonly ThroughputTable _profile;
    private readonly ShockwaveOptions _options;
    private readonly Dictionary<int, RuntimePredictor> _predictors = [];
    private readonly Dictionary<int, FairShareHistory> _fairShare = [];
    private readonly Dictionary<int, (double Remaining, int BatchSize)> _lastSeen = [];
    private readonly List<double> _solveSeconds = [];
    private List<HashSet<int>> _plan = [];
    private int _planRound;

    public ShockwaveScheduler(ThroughputTable profile, ShockwaveOptions options)
    {
        options.Validate();
        _profile = profile;
        _options = options;
    }

    public string Name => "shockwave";

    public int Replans { get; private set; }

    /// <summary>Re-plans whose fairness constraints could not all be met, so the reweighted path ran.</summary>
    public int InfeasibleReplans { get; private set; }

    /// <summary>Solves that hit the time limit and used the best plan found.</summary>
    public int TimeLimitHits { get; private set; }

    /// <summary>Plans whose aggregated round counts did not pack and were re-solved with per-round booleans.</summary>
    public int PerRoundResolves { get; private set; }

    public IReadOnlyList<double> SolveSeconds => _solveSeconds;

    public IReadOnlyDictionary<string, double> Statistics
    {
        get
        {
            var stats = new Dictionary<string, double>
            {
                ["replans"] = Replans, ["infeasible_replans"] = InfeasibleReplans,
                ["time_limit_hits"] = TimeLimitHits, ["per_round_resolves"] = PerRoundResolves,
            };
            if (_solveSeconds.Count > 0)
            {
                var q = Summary.Quantiles(_solveSeconds.ToArray(), 0.5, 0.9, 0.99, 1.0);
                (stats["solve_p50_s"], stats["solve_p90_s"], stats["solve_p99_s"], stats["solve_max_s"]) =
                    (q[0], q[1], q[2], q[3]);
            }
            return stats;
        }
    }

    public IReadOnlyList<Placement> Plan(RoundState state)
    {
        CheckCluster(state.Cluster);
        var worker = state.Cluster.WorkerTypes.Single();
        var gpus = state.Cluster.TotalGpus;
        foreach (var job in state.Jobs) Observe(job, worker);

        var forecasts =
            state.Jobs.ToDictionary(j => j.View.Id, j =>
            Predictor(j, worker).RemainingSeconds(j.ObservedBatchSizes, j.EpochsCompleted));
        var every = _options.ReplanEveryRounds;
        var periodic = every > 0 && state.Round > 0 && state.Round % every == 0;
        if (state.JobSetChanged || periodic || _planRound >= _plan.Count) Replan(state, gpus, forecasts, worker);

        var planned = _plan[_planRound++];
        var chosen = state.Jobs.Where(j => planned.Contains(j.View.Id)).ToList();
        var free = gpus - chosen.Sum(j => j.View.ScaleFactor);
        // Work conservation: idle GPUs go to unplanned jobs, longest predicted remaining time first.
        foreach (var job in state.Jobs.Where(j => !planned.Contains(j.View.Id))
            .OrderByDescending(j => forecasts[j.View.Id]).ThenBy(j => j.View.Id))
        {
            if (job.View.ScaleFactor > free) continue;
            chosen.Add(job);
            free -= job.View.ScaleFactor;
        }
        return chosen.Select(j => new Placement(j.View.Id, worker)).ToArray();
    }

    /// <inheritdoc/>
    public void CheckCluster(ClusterSpec cluster)
    {
        if (cluster.Gpus.Count != 1)
            throw new BadInputException(
                $"Shockwave plans for one GPU type; the cluster {cluster} has {cluster.Gpus.Count} types", "cluster");
    }

    private void Replan(RoundState state, int gpus, Dictionary<int, double> forecasts, string worker)
    {
        Replans++;
        var share = Math.Min(1.0, gpus / (double)state.Jobs.Count);
        var window = new PlanWindow(state.Now, _options.WindowRounds, state.RoundSeconds, gpus, share);
        var jobs = state.Jobs.Select(j =>
        {
            var id = j.View.Id;
            var predictor = Predictor(j, worker);
            var remaining = forecasts[id];
            // As in the artifact, a new estimate is recorded only when the job set changed, counting from the
            // start of the round that admitted the job (its submit time there).
            var history = FairShare(id, state.Now);
            if (state.JobSetChanged || history.IsEmpty)
                history.Record(state.Round,
                    history.AdmittedAt
                    + (predictor.CompletedSeconds(j.ObservedBatchSizes, j.EpochsCompleted) + remaining) / share);
            var fairFinish = history.Target(state.Round);
            return new PlanJob(id, j.View.ScaleFactor, predictor.TotalEpochs, j.EpochsCompleted,
                predictor.MeanObservedEpochSeconds(j.ObservedBatchSizes), remaining, fairFinish);
        }).ToArray();

        var solution = Solve(jobs, window, fairness: true);
        var weighted = jobs;
        if (solution is null)
        {
            // Infeasible: drop the fairness constraints and weight each job by how unfairly it is heading to finish.
            InfeasibleReplans++;
            weighted = jobs.Select(j => j with { Weight = UnfairnessWeight(j, state, share) }).ToArray();
            solution = Solve(weighted, window, fairness: false)
                ?? throw new InvalidOperationException(
                    "shockwave: the plan without fairness constraints was infeasible, which cannot happen.");
        }

        var priority = weighted.Select(j => j.Weight * j.RemainingSeconds).ToArray();
        var rounds =
            solution.RoundOfJob
            ?? RoundPacking.TryPack(solution.RoundsPerJob, jobs.Select(j => j.Gpus).ToArray(), gpus, window.Rounds,
            priority);
        if (rounds is null)
        {
            PerRoundResolves++;
            solution = Solve(weighted, window, fairness: ReferenceEquals(weighted, jobs), perRoundBooleans: true)!;
            rounds = solution.RoundOfJob!;
        }
        if (!ReferenceEquals(weighted, jobs)
            && PlanProgram.Reorder(weighted, solution.RoundsPerJob, window, _options) is { } reordered)
        {
            Count(reordered.HitLimit, reordered.SolveTime);
            rounds = reordered.Rounds;
        }

        _plan = Enumerable.Range(0, window.Rounds)
            .Select(r =>
            Enumerable.Range(0, jobs.Length).Where(j => rounds[j].Contains(r)).Select(j => jobs[j].Id).ToHashSet())
            .ToList();
        _planRound = 0;
    }

    private PlanSolution? Solve(PlanJob[] jobs, PlanWindow window, bool fairness, bool perRoundBooleans = false)
    {
        var solution = PlanProgram.Solve(jobs, window, _options, fairness, perRoundBooleans);
        if (solution is not null) Count(solution.HitLimit, solution.SolveTime);
        return solution;
    }

    private void Count(bool hitLimit, TimeSpan solveTime)
    {
        if (hitLimit) TimeLimitHits++;
        _solveSeconds.Add(solveTime.TotalSeconds);
    }

    /// <summary>
    /// ω_j = ρ̂_j^λ for a job heading past ρmax (ρ̂_j^100 if it has under a round left), else 1, where
    /// ρ̂_j = (now + R̂_j/share) / FT*_j. Capped at 1e6 (the artifact's are not): beyond that the solver only
    /// loses precision, and such a job already dominates the objective.
    /// </summary>
    private double UnfairnessWeight(PlanJob job, RoundState state, double share)
    {
        const double cap = 1e6;
        var rho = (state.Now + job.RemainingSeconds / share) / job.FairFinishTime;
        if (!(rho > _options.RhoMax)) return 1;
        var exponent = job.RemainingSeconds < state.RoundSeconds ? 100 : _options.Lambda;
        return Math.Min(cap, Math.Pow(rho, exponent));
    }

    /// <summary>Feeds the predictor the steps the job did last round, for the >40% recalibration.</summary>
    private void Observe(ActiveJob job, string worker)
    {
        var id = job.View.Id;
        var batchSize = Workloads.JobType.Parse(job.View.JobType).BatchSize;
        if (_lastSeen.TryGetValue(id, out var last) && last.BatchSize == batchSize && job.LastRound is { } ran)
            Predictor(job, worker).Observe(batchSize, last.Remaining - job.View.RemainingSteps, ran.Seconds);
        _lastSeen[id] = (job.View.RemainingSteps, batchSize);
    }

    private RuntimePredictor Predictor(ActiveJob job, string worker)
    {
        if (!_predictors.TryGetValue(job.View.Id, out var predictor))
            _predictors[job.View.Id] = predictor = new RuntimePredictor(job.Spec, _profile, worker);
        return predictor;
    }

    private FairShareHistory FairShare(int job, double now)
    {
        if (!_fairShare.TryGetValue(job, out var history)) _fairShare[job] = history = new FairShareHistory(now);
        return history;
    }
}

/// <summary>
/// A job's fair-share finish-time estimates over time, and their momentum average:
/// FT* = 0.9 · (mean of the estimates, each weighted by the rounds it has been in force) + 0.1 · latest.
/// </summary>
/// <param name="admittedAt">The start of the round that admitted the job.</param>
internal sealed class FairShareHistory(double admittedAt)
{
    private readonly List<(double Estimate, int FromRound)> _estimates = [];

    /// <summary>The start of the round that admitted the job: the artifact's submit time for the estimates.</summary>
    public double AdmittedAt => admittedAt;

    public bool IsEmpty => _estimates.Count == 0;

    /// <summary>Records the estimate made at <paramref name="round"/>.</summary>
    public void Record(int round, double estimate) => _estimates.Add((estimate, round));

    /// <summary>FT* at <paramref name="round"/>; the latest estimate counts the rounds since it was made.</summary>
    public double Target(int round)
    {
        double weighted = 0, rounds = 0;
        for (var i = 0; i < _estimates.Count; i++)
        {
            var until = i + 1 < _estimates.Count ? _estimates[i + 1].FromRound : round;
            var inForce = until - _estimates[i].FromRound;
            weighted += _estimates[i].Estimate * inForce;
            rounds += inForce;
        }
        var latest = _estimates[^1].Estimate;
        return 0.9 * (rounds > 0 ? weighted / rounds : latest) + 0.1 * latest;
    }
}
