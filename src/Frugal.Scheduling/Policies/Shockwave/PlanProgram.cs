using Google.OrTools.LinearSolver;

namespace Frugal.Scheduling.Policies.Shockwave;

/// <summary>One job as Shockwave's programme sees it at a re-plan.</summary>
/// <param name="Id">The job's id in the trace.</param>
/// <param name="TotalEpochs">E_j, the epochs it trains in all.</param>
/// <param name="EpochsCompleted">e_j, the epochs it has finished.</param>
/// <param name="Gpus">w_j, the gang size.</param>
/// <param name="MeanEpochSeconds">d̄_j, the mean calibrated duration of the epochs begun so far.</param>
/// <param name="RemainingSeconds">R̂_j, the predicted remaining isolated runtime.</param>
/// <param name="FairFinishTime">FT*_j, the momentum-averaged fair-share finish time (absolute, s).</param>
/// <param name="Weight">ω_j, the weight of its log utility (1 unless the fairness constraints were dropped).</param>
internal sealed record PlanJob(int Id, int Gpus, int TotalEpochs, int EpochsCompleted, double MeanEpochSeconds,
    double RemainingSeconds, double FairFinishTime, double Weight = 1);

/// <summary>The window the programme plans: where it starts, its rounds, the cluster, the fair share.</summary>
internal sealed record PlanWindow(double Now, int Rounds, double RoundSeconds, int Gpus, double Share)
{
    /// <summary>T_next: when the window ends.</summary>
    public double End => Now + Rounds * RoundSeconds;
}

/// <summary>What a solve gave: rounds per job in the window (n_j), or nothing if infeasible.</summary>
internal sealed record PlanSolution(int[] RoundsPerJob, double[] PlannedEpochs, double Objective, bool HitLimit,
    TimeSpan SolveTime, int[][]? RoundOfJob = null);

/// <summary>
/// Shockwave's mixed-integer programmes, on OR-Tools' SCIP.
/// <para>
/// The plan: maximise Σ_j ω_j·L_j / (N·R) − k·t, where L_j is the piecewise-linear log of the
/// job's utility u_j = (e_j + p_j)/E_j (breakpoints 0, .2, .4, .6, .8, 1; log 0 := log 1e-6),
/// p_j ≤ (round length)·n_j / d̄_j are the epochs planned in the n_j rounds it gets, and
/// t ≥ R̂_j − p_j·d̄_j is the longest predicted runtime left after the window. Optionally each job
/// must still meet finish-time fairness: T_next + (R̂_j − p_j·d̄_j)/share ≤ ρmax·FT*_j.
/// Log is concave, so L_j is its hypograph (L_j below every segment), exact at the optimum and
/// without the SOS2 booleans.
/// </para>
/// <para>
/// The round variables: with one boolean x[j,r] per job and round and the gang constraint
/// Σ_j w_j·x[j,r] ≤ G in every round (<c>perRoundBooleans</c> of <see cref="Solve"/>), or aggregated into
/// integers n_j ≤ R with Σ_j w_j·n_j ≤ G·R. The objective depends on x only through n_j, and
/// when every gang size divides the next larger one and G (1, 2, 4, 8 on a multiple of 8) every
/// such n packs into rounds (<see cref="RoundPacking"/>), so the two are equivalent and the
/// second is ~20× smaller.
/// </para>
/// </summary>
internal static class PlanProgram
{
    private static readonly double[] Breakpoints = [0, 0.2, 0.4, 0.6, 0.8, 1];
    private static readonly double LogOfZero = Math.Log(1e-6);

    /// <summary>Solves the plan; null when it is infeasible (only possible with <paramref name="fairness"/>).</summary>
    public static PlanSolution? Solve(IReadOnlyList<PlanJob> jobs, PlanWindow window, ShockwaveOptions options,
        bool fairness, bool perRoundBooleans)
    {
        if (fairness && jobs.Any(j => window.End > options.RhoMax * j.FairFinishTime)) return null;

        using var solver =
            Solver.CreateSolver("SCIP")
            ?? throw new InvalidOperationException("shockwave: OR-Tools could not create the SCIP solver.");
        var n = jobs.Count;
        var rounds = window.Rounds;
        var t = solver.MakeNumVar(0, double.PositiveInfinity, "t");
        var objective = solver.Objective();
        objective.SetMaximization();
        objective.SetCoefficient(t, -options.MakespanWeight);

        var roundCount = new LinearExpr[n];
        Variable[,]? x = null;
        if (perRoundBooleans)
        {
            x = new Variable[n, rounds];
            for (var j = 0; j < n; j++)
            {
                LinearExpr sum = new();
                for (var r = 0; r < rounds; r++) sum += x[j, r] = solver.MakeBoolVar($"x_{j}_{r}");
                roundCount[j] = sum;
            }
            for (var r = 0; r < rounds; r++)
            {
                var capacity = solver.MakeConstraint(double.NegativeInfinity, window.Gpus, $"gpus_{r}");
                for (var j = 0; j < n; j++) capacity.SetCoefficient(x[j, r], jobs[j].Gpus);
            }
        }
        else
        {
            var capacity = solver.MakeConstraint(double.NegativeInfinity, (double)window.Gpus * rounds, "gpus");
            for (var j = 0; j < n; j++)
            {
                var count = solver.MakeIntVar(0, jobs[j].Gpus <= window.Gpus ? rounds : 0, $"n_{j}");
                capacity.SetCoefficient(count, jobs[j].Gpus);
                roundCount[j] = count;
            }
        }

        var planned = new Variable[n];
        for (var j = 0; j < n; j++)
        {
            var job = jobs[j];
            var p = planned[j] = solver.MakeNumVar(0, Math.Max(0, job.TotalEpochs - job.EpochsCompleted), $"p_{j}");
            // p_j·d̄_j ≤ round length · n_j
            solver.Add(p * job.MeanEpochSeconds <= window.RoundSeconds * roundCount[j]);
            // t ≥ R̂_j − p_j·d̄_j
            solver.Add(t >= job.RemainingSeconds - p * job.MeanEpochSeconds);
            if (fairness)
                solver.Add(window.End + (job.RemainingSeconds - p * job.MeanEpochSeconds) / window.Share
                    <= options.RhoMax * job.FairFinishTime);

            var logUtility = solver.MakeNumVar(LogOfZero, 0, $"L_{j}");
            var utility = (job.EpochsCompleted + p) / job.TotalEpochs;
            for (var k = 0; k + 1 < Breakpoints.Length; k++)
            {
                var (lo, hi) = (Breakpoints[k], Breakpoints[k + 1]);
                var (logLo, logHi) = (Log(lo), Log(hi));
                var slope = (logHi - logLo) / (hi - lo);
                solver.Add(logUtility <= logLo + slope * (utility - lo));
            }
            objective.SetCoefficient(logUtility, job.Weight / (n * (double)rounds));
        }

        var status = Run(solver, options);
        if (status is Solver.ResultStatus.INFEASIBLE) return null;
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
            throw new InvalidOperationException($"shockwave: SCIP ended the plan with status {status} and no plan.");

        var counts = new int[n];
        int[][]? schedule = null;
        if (x is not null)
        {
            schedule = new int[n][];
            for (var j = 0; j < n; j++)
            {
                schedule[j] = Enumerable.Range(0, rounds).Where(r => x[j, r].SolutionValue() > 0.5).ToArray();
                counts[j] = schedule[j].Length;
            }
        }
        else
        {
            for (var j = 0; j < n; j++) counts[j] = (int)Math.Round(roundCount[j].SolutionValue());
        }
        return new PlanSolution(counts, planned.Select(p => p.SolutionValue()).ToArray(), objective.Value(),
            status == Solver.ResultStatus.FEASIBLE, TimeSpan.FromMilliseconds(solver.WallTime()), schedule);
    }

    /// <summary>
    /// The second programme of the infeasible path: keep each job's n_j rounds and the gang
    /// constraint, and move heavily weighted jobs early: minimise Σ_j ω_j·(Σ_r r·y[j,r]) / n_j.
    /// Returns the rounds of each job, or null if SCIP found no assignment in time.
    /// </summary>
    public static (int[][] Rounds, bool HitLimit, TimeSpan SolveTime)? Reorder(IReadOnlyList<PlanJob> jobs,
        int[] roundsPerJob, PlanWindow window, ShockwaveOptions options)
    {
        using var solver =
            Solver.CreateSolver("SCIP")
            ?? throw new InvalidOperationException("shockwave: OR-Tools could not create the SCIP solver.");
        var n = jobs.Count;
        var y = new Variable?[n, window.Rounds];
        var objective = solver.Objective();
        objective.SetMinimization();
        for (var j = 0; j < n; j++)
        {
            if (roundsPerJob[j] == 0) continue;
            LinearExpr sum = new();
            for (var r = 0; r < window.Rounds; r++)
            {
                var v = y[j, r] = solver.MakeBoolVar($"y_{j}_{r}");
                sum += v;
                objective.SetCoefficient(v, jobs[j].Weight * r / roundsPerJob[j]);
            }
            solver.Add(sum == roundsPerJob[j]);
        }
        for (var r = 0; r < window.Rounds; r++)
        {
            var capacity = solver.MakeConstraint(double.NegativeInfinity, window.Gpus, $"gpus_{r}");
            for (var j = 0; j < n; j++)
                if (y[j, r] is { } v) capacity.SetCoefficient(v, jobs[j].Gpus);
        }
        var status = Run(solver, options);
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE)) return null;
        var schedule = new int[n][];
        for (var j = 0; j < n; j++)
            schedule[j] =
                Enumerable.Range(0, window.Rounds).Where(r => y[j, r] is { } v && v.SolutionValue() > 0.5).ToArray();
        return (schedule, status == Solver.ResultStatus.FEASIBLE, TimeSpan.FromMilliseconds(solver.WallTime()));
    }

    private static double Log(double b) => b <= 0 ? LogOfZero : Math.Log(b);

    private static Solver.ResultStatus Run(Solver solver, ShockwaveOptions options)
    {
        solver.SetTimeLimit((long)options.TimeLimit.TotalMilliseconds);
        using var parameters = new MPSolverParameters();
        parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, options.RelativeGap);
        return solver.Solve(parameters);
    }
}
