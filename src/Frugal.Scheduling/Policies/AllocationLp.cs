using Google.OrTools.LinearSolver;

namespace Frugal.Scheduling.Policies;

/// <summary>
/// A GLOP model over Gavel's allocation matrix X[j,w] with the constraints every LP baseline
/// shares: X ≥ 0, Σ_w X[j,w] ≤ 1 per job and Σ_j sf_j·X[j,w] ≤ n_w per worker type. A
/// variable exists only where the job has a positive throughput, so jobs get 0 on worker
/// types they cannot run on without an explicit constraint. Jobs are addressed by their index
/// in <see cref="PolicyInput.Jobs"/>, worker types by their index in <see cref="PolicyInput.WorkerTypes"/>.
/// </summary>
internal sealed class AllocationLp : IDisposable
{
    private readonly string _policy;
    private readonly PolicyInput _input;
    private readonly Solver _solver;
    private readonly Variable?[][] _x;

    public AllocationLp(string policy, PolicyInput input)
    {
        _policy = policy;
        _input = input;
        _solver = Solver.CreateSolver("GLOP")
            ?? throw new InvalidOperationException($"{policy}: OR-Tools could not create the GLOP LP solver.");
        // GLOP's presolve reports ABNORMAL (not INFEASIBLE) on some of the barely feasible
        // problems Themis' and OSSP's bisections pose near their optimum; without it, GLOP
        // decides them cleanly, and these LPs are small enough not to need it.
        if (!_solver.SetSolverSpecificParametersAsString("use_preprocessing:false"))
            throw new InvalidOperationException($"{policy}: GLOP rejected its parameters.");
        var types = input.WorkerTypes;
        _x = new Variable?[input.Jobs.Count][];
        for (var j = 0; j < input.Jobs.Count; j++)
        {
            var job = input.Jobs[j];
            _x[j] = new Variable?[types.Count];
            var oneJob = _solver.MakeConstraint(double.NegativeInfinity, 1, $"job_{j}");
            for (var w = 0; w < types.Count; w++)
            {
                if (job.ThroughputOn(types[w]) <= 0) continue;
                var x = _solver.MakeNumVar(0, double.PositiveInfinity, $"x_{j}_{w}");
                oneJob.SetCoefficient(x, 1);
                _x[j][w] = x;
            }
        }
        for (var w = 0; w < types.Count; w++)
        {
            var capacity = _solver.MakeConstraint(double.NegativeInfinity, input.Cluster[types[w]], $"gpus_{w}");
            for (var j = 0; j < input.Jobs.Count; j++)
                if (_x[j][w] is { } x) capacity.SetCoefficient(x, input.Jobs[j].ScaleFactor);
        }
    }

    /// <summary>Adds <c>lower ≤ Σ_w coefficient(w)·X[job,w] ≤ upper</c>; callers may add more terms to it.</summary>
    public Constraint AddJobRow(int job, double lower, double upper, Func<string, double> coefficient)
    {
        var row = _solver.MakeConstraint(lower, upper);
        for (var w = 0; w < _input.WorkerTypes.Count; w++)
            if (_x[job][w] is { } x) row.SetCoefficient(x, coefficient(_input.WorkerTypes[w]));
        return row;
    }

    /// <summary>A free variable outside X, e.g. the level t of a max-min objective.</summary>
    public Variable AddVariable(double lower, double upper, string name) => _solver.MakeNumVar(lower, upper, name);

    public Objective Objective => _solver.Objective();

    /// <summary>Replaces the objective with maximising Σ_j Σ_w coefficient(job, w)·X[j,w].</summary>
    public void Maximise(Func<JobView, string, double> coefficient)
    {
        var objective = _solver.Objective();
        objective.Clear();
        for (var j = 0; j < _input.Jobs.Count; j++)
            for (var w = 0; w < _input.WorkerTypes.Count; w++)
                if (_x[j][w] is { } x) objective.SetCoefficient(x, coefficient(_input.Jobs[j], _input.WorkerTypes[w]));
        objective.SetMaximization();
    }

    /// <summary>
    /// Maximises Σ_j Σ_w tput_jw·X[j,w]. The feasibility LPs (Themis, OSSP) use it as a
    /// tie-break: GLOP needs some objective, and spending left-over capacity on throughput keeps
    /// the answer deterministic and work-conserving instead of an arbitrary vertex.
    /// </summary>
    public void MaximiseThroughput() => Maximise((job, w) => job.ThroughputOn(w));

    /// <summary>Solves; true when optimal, false when infeasible, and throws on any other outcome.</summary>
    public bool Solve()
    {
        var status = _solver.Solve();
        return status switch
        {
            Solver.ResultStatus.OPTIMAL => true,
            Solver.ResultStatus.INFEASIBLE => false,
            _ => throw new InvalidOperationException($"{_policy}: the GLOP LP solver failed with status {status}."),
        };
    }

    /// <summary>Solves a problem that must be feasible (the zero allocation always is).</summary>
    public void SolveOptimal()
    {
        if (!Solve())
            throw new InvalidOperationException(
                $"{_policy}: the GLOP LP solver reported an infeasible problem, " +
                "which cannot happen for a valid input.");
    }

    /// <summary>The current solution as an allocation; solver noise is clipped to [0, 1] as in Gavel.</summary>
    public Allocation ToAllocation()
    {
        var allocation = PolicyMath.Zero(_input);
        for (var j = 0; j < _input.Jobs.Count; j++)
            for (var w = 0; w < _input.WorkerTypes.Count; w++)
                if (_x[j][w] is { } x)
                    allocation[_input.Jobs[j].Id, _input.WorkerTypes[w]] = Math.Clamp(x.SolutionValue(), 0, 1);
        return allocation;
    }

    public void Dispose() => _solver.Dispose();
}
