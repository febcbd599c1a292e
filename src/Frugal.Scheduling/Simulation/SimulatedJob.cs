using Frugal.Core.Errors;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Simulation;

/// <summary>
/// A job's state during a simulation. Progress is kept in epochs (fractional), so that a batch
/// size change rescales the remaining steps exactly: at batch size b an epoch is
/// ⌈dataset/b⌉ steps, run at the measured steps/s for b. The batch size follows either the
/// profiled schedule or the artifact's simulator rules (<see cref="BatchSizeDynamics"/>).
/// </summary>
internal sealed class SimulatedJob
{
    private readonly int[] _schedule;
    private readonly ThroughputTable _table;
    private readonly ClusterSpec _cluster;
    private readonly BatchSizeDynamics _dynamics;
    private readonly Dictionary<(int BatchSize, string Worker), double> _throughputs = [];
    // Under the rules: the batch size of each epoch begun, the change asked for and not yet applied, and
    // whether one was applied since the scheduler last saw the job.
    private readonly List<int> _observed = [];
    private int? _requested;
    private bool _changed;

    public SimulatedJob(JobSpec spec, ThroughputTable throughputs, ClusterSpec cluster, string referenceWorker,
        BatchSizeDynamics dynamics = BatchSizeDynamics.Profile)
    {
        Spec = spec;
        _schedule = spec.BatchSizeSchedule();
        _table = throughputs;
        _cluster = cluster;
        _dynamics = dynamics;
        TotalEpochs = spec.TotalSteps / spec.Type.Family.StepsPerEpoch(spec.Type.BatchSize);
        if (cluster.WorkerTypes.All(w => ThroughputAt(spec.Type.BatchSize, w) <= 0))
        {
            var gpus = spec.ScaleFactor == 1 ? "1 GPU" : $"{spec.ScaleFactor} GPUs";
            throw new BadInputException(
                $"job {spec.Id} ({spec.Type} on {gpus}) has no measured throughput on any GPU type of the cluster "
                + $"{cluster}; {throughputs.Source} has {string.Join(", ", throughputs.WorkerTypes)}", "cluster");
        }
        IsolatedSeconds = ProfiledIsolatedSeconds(throughputs, referenceWorker);
        BatchSize = spec.Type.BatchSize;
        _observed.Add(BatchSize);
    }

    public JobSpec Spec { get; }
    public int Id => Spec.Id;
    public double TotalEpochs { get; }
    public double EpochsDone { get; private set; }
    public int BatchSize { get; private set; }
    public bool Finished => Completion is not null;

    /// <summary>
    /// Time to run the job alone on its GPUs, from the profiled per-epoch durations (the FTF denominator).
    /// </summary>
    public double IsolatedSeconds { get; }

    public double? Start { get; private set; }
    public double? Completion { get; private set; }
    public double GpuSeconds { get; private set; }
    public int RoundsScheduled { get; private set; }
    public (string WorkerType, double Seconds)? LastRound { get; private set; }

    /// <summary>
    /// Σ over the rounds the job was present of the number of active jobs, for the Themis-style contention factor.
    /// </summary>
    public double ActiveJobsSum { get; private set; }
    public int RoundsPresent { get; private set; }

    public int EpochIndex => Math.Min((int)Math.Floor(EpochsDone + 1e-9), _schedule.Length - 1);

    public double Throughput(string worker) => ThroughputAt(BatchSize, worker);

    /// <summary>The batch size of each epoch begun so far; the scheduler never sees the future ones.</summary>
    public IReadOnlyList<int> ObservedBatchSizes =>
        _dynamics == BatchSizeDynamics.Profile ? _schedule[..(EpochIndex + 1)] : _observed;

    // ⌈epochs done⌉: the artifact's epoch count for its batch-size rules (the epoch in progress included).
    private int EpochsBegun => (int)Math.Ceiling(EpochsDone - 1e-9);

    private double ThroughputAt(int batchSize, string worker)
    {
        if (!_throughputs.TryGetValue((batchSize, worker), out var throughput))
            _throughputs[(batchSize, worker)] = throughput =
                _table.Isolated(worker, Spec.Type.Family.JobType(batchSize), Spec.ScaleFactor) ?? 0;
        return throughput;
    }

    public double RemainingSteps => Math.Max(0, TotalEpochs - EpochsDone) * StepsPerEpoch;

    private int StepsPerEpoch => Spec.Type.Family.StepsPerEpoch(BatchSize);

    /// <summary>
    /// At the start of a round: under the profile, moves to the batch size of the current epoch; under the
    /// rules, reports a change applied since the last round. True if the batch size changed.
    /// </summary>
    public bool AdaptBatchSize()
    {
        if (_dynamics == BatchSizeDynamics.Rules)
        {
            var changed = _changed;
            _changed = false;
            return changed;
        }
        var next = _schedule[EpochIndex];
        if (next == BatchSize) return false;
        BatchSize = next;
        return true;
    }

    /// <summary>
    /// At the end of a round, under the rules: the job asks for a batch-size change if its mode's rule says so;
    /// the request stands until the job next runs.
    /// </summary>
    public void EndRound()
    {
        if (_dynamics == BatchSizeDynamics.Rules && !Finished)
            _requested ??= BatchSizeRules.Request(Spec.Type, Spec.Mode, Spec.ScaleFactor, BatchSize, EpochsBegun);
    }

    public ActiveJob Describe(bool batchSizeChanged) => new(
        new JobView(Id, Spec.Type.Family.JobType(BatchSize), Spec.ScaleFactor, Spec.PriorityWeight,
            _cluster.WorkerTypes.ToDictionary(w => w, w => ThroughputAt(BatchSize, w)), RemainingSteps,
            Spec.ArrivalSeconds),
        Spec, (int)Math.Floor(EpochsDone + 1e-9), ObservedBatchSizes, batchSizeChanged, LastRound);

    public void CountPresence(int activeJobs)
    {
        ActiveJobsSum += activeJobs;
        RoundsPresent++;
    }

    /// <summary>
    /// Runs the job for (at most) one round on <paramref name="worker"/> starting at
    /// <paramref name="now"/>; returns how long it occupied its GPUs and how much of that was
    /// training (the rest is the restart overhead).
    /// </summary>
    public (double Occupied, double Training) Run(string worker, double now, SimulationOptions options)
    {
        var throughput = Throughput(worker);
        var steps = Math.Min(RemainingSteps, throughput * options.RoundSeconds);
        var seconds = steps / throughput;
        // A job (re)starting after a round off pays the restart overhead if it runs (nearly) the whole round.
        if (LastRound is null && options.RestartOverheadSeconds > 0 && seconds > options.RoundSeconds - 5)
            steps *= (seconds - options.RestartOverheadSeconds) / seconds;

        Start ??= now;
        EpochsDone = Math.Min(TotalEpochs, EpochsDone + steps / StepsPerEpoch);
        RecordEpochsBegun();
        if (_requested is { } requested) SwitchBatchSize(requested);
        GpuSeconds += seconds * Spec.ScaleFactor;
        RoundsScheduled++;
        LastRound = (worker, seconds);
        if (TotalEpochs - EpochsDone <= 1e-9 * Math.Max(1, TotalEpochs)) Completion = now + seconds;
        return (seconds, steps / throughput);
    }

    /// <summary>
    /// Applies a requested change after a round the job ran, as the artifact does: the epoch in progress counts
    /// as done (its steps are rescaled to whole epochs), and a batch size without a measured throughput on some
    /// GPU type of the cluster is refused.
    /// </summary>
    private void SwitchBatchSize(int requested)
    {
        _requested = null;
        if (_cluster.WorkerTypes.Any(w => _table.Isolated(w, Spec.Type.Family.JobType(requested), Spec.ScaleFactor)
                is null))
            return;
        EpochsDone = Math.Min(TotalEpochs, EpochsBegun);
        BatchSize = requested;
        _changed = true;
        RecordEpochsBegun();
    }

    private void RecordEpochsBegun()
    {
        if (_dynamics != BatchSizeDynamics.Rules) return;
        while (_observed.Count <= EpochIndex) _observed.Add(BatchSize);
    }

    public void SkipRound() => LastRound = null;

    private double ProfiledIsolatedSeconds(ThroughputTable throughputs, string referenceWorker)
    {
        // As the artifact's metric takes it from the job's profile: Σ (dataset / bs) / steps-per-second, unrounded.
        // (The artifact rounds epoch durations to whole seconds only inside Shockwave's planner.)
        double total = 0;
        foreach (var bs in _schedule)
            total += (double)Spec.Type.Family.DatasetSize / bs
                / throughputs.Require(referenceWorker, Spec.Type.Family.JobType(bs), Spec.ScaleFactor);
        return total;
    }
}
