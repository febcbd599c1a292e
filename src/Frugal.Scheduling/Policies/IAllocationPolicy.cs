namespace Frugal.Scheduling.Policies;

/// <summary>
/// What an allocation policy sees of one active job at a re-allocation point. Throughputs are
/// the isolated steps per second of the job at its current batch size and GPU count on each
/// worker (GPU) type; 0 means the job cannot run there.
/// </summary>
/// <param name="Id">The job's id in the trace.</param>
/// <param name="JobType">The job type, e.g. <c>ResNet-18 (batch size 32)</c>.</param>
/// <param name="ScaleFactor">The GPUs the job needs at once (its gang size).</param>
/// <param name="PriorityWeight">The trace's priority weight (1 for every job of the Shockwave traces).</param>
/// <param name="Throughput">Steps per second by worker type.</param>
/// <param name="RemainingSteps">Steps left to train, at the current batch size.</param>
/// <param name="ArrivalTime">When the job arrived, in simulated seconds.</param>
public sealed record JobView(
    int Id,
    string JobType,
    int ScaleFactor,
    double PriorityWeight,
    IReadOnlyDictionary<string, double> Throughput,
    double RemainingSteps,
    double ArrivalTime)
{
    /// <summary>Steps per second on <paramref name="workerType"/>; 0 where the type is unknown.</summary>
    public double ThroughputOn(string workerType) => Throughput.TryGetValue(workerType, out var t) ? t : 0;
}

/// <summary>
/// The input of one allocation: the clock, the active jobs (ordered by arrival, then id) and the GPUs per worker type.
/// </summary>
/// <param name="Now">The simulated time, in seconds.</param>
/// <param name="Jobs">The jobs that have arrived and not finished.</param>
/// <param name="Cluster">GPUs per worker type.</param>
public sealed record PolicyInput(double Now, IReadOnlyList<JobView> Jobs, IReadOnlyDictionary<string, int> Cluster)
{
    /// <summary>The worker types in a fixed (ordinal) order, for building LPs deterministically.</summary>
    public IReadOnlyList<string> WorkerTypes { get; } = Cluster.Keys.Order(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// A fractional allocation in Gavel's sense: X[job][worker type] is the fraction of wall time
/// the job should run on that worker type (each unit of X occupies the job's ScaleFactor GPUs).
/// Feasible allocations satisfy Σ_w X[j,w] ≤ 1 for each job and Σ_j sf_j·X[j,w] ≤ GPUs of w.
/// </summary>
public sealed class Allocation
{
    private readonly Dictionary<int, Dictionary<string, double>> _fractions = [];

    /// <summary>X[job, worker type]: the fraction of wall time the job should run there; 0 where never set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative, infinite or NaN fraction.</exception>
    public double this[int job, string workerType]
    {
        get => _fractions.TryGetValue(job, out var row) && row.TryGetValue(workerType, out var x) ? x : 0;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"allocation of job {job} on {workerType} must be a non-negative finite fraction.");
            if (!_fractions.TryGetValue(job, out var row)) _fractions[job] = row = [];
            row[workerType] = value;
        }
    }

    /// <summary>Σ_w X[job, w]: the fraction of time the job is scheduled at all.</summary>
    public double TotalFor(int job) => _fractions.TryGetValue(job, out var row) ? row.Values.Sum() : 0;

    /// <summary>The ids of the jobs given a fraction, even a zero one.</summary>
    public IEnumerable<int> Jobs => _fractions.Keys;
}

/// <summary>
/// A Gavel-style policy: maps (jobs, throughputs, cluster) to a fractional allocation. The
/// simulator owns time; a packer turns the allocation into per-round gang placements. A policy
/// object may keep state between calls (e.g. Themis' isolated time so far, AlloX's current
/// placements) and is used for one simulation only.
/// </summary>
public interface IAllocationPolicy
{
    /// <summary>The command-line name, as in the reference code (e.g. <c>max_min_fairness</c>).</summary>
    string Name { get; }

    /// <summary>The fractional allocation for the jobs of <paramref name="input"/>; it must be feasible.</summary>
    /// <remarks>Called again whenever the job set or a batch size changes (at most once per minimum
    /// re-allocation interval); jobs missing from the result get no time.</remarks>
    Allocation Allocate(PolicyInput input);
}
