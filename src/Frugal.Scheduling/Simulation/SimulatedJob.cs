using Frugal.Core.Errors;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Simulation;

/// <summary>
/// A job's state during a simulation. Progress is kept in epochs (fractional), so that a batch
/// size change rescales the remaining steps exactly: at batch size b an epoch is
/// ⌈dataset/b⌉ steps, run at the measured steps/s for b.
/// </summary>
internal sealed class SimulatedJob
{
    private readonly int[] _schedule;
    private readonly Dictionary<(int BatchSize, string Worker), double> _throughputs = [];

    public SimulatedJob(JobSpec spec, ThroughputTable throughputs, ClusterSpec cluster, string referenceWorker)
    {
        Spec = spec;
        _schedule = spec.BatchSizeSchedule();
        TotalEpochs = spec.TotalSteps / spec.Type.Family.StepsPerEpoch(spec.Type.BatchSize);
        foreach (var bs in _schedule.Distinct())
            foreach (var worker in cluster.WorkerTypes)
                _throughputs[(bs, worker)] =
                    throughputs.Isolated(worker, spec.Type.Family.JobType(bs), spec.ScaleFactor) ?? 0;
        if (cluster.WorkerTypes.All(w => _throughputs[(spec.Type.BatchSize, w)] <= 0))
        {
            var gpus = spec.ScaleFactor == 1 ? "1 GPU" : $"{spec.ScaleFactor} GPUs";
            throw new BadInputException(
                $"job {spec.Id} ({spec.Type} on {gpus}) has no measured throughput on any GPU type of the cluster "
                + $"{cluster}; {throughputs.Source} has {string.Join(", ", throughputs.WorkerTypes)}", "cluster");
        }
        IsolatedSeconds = ProfiledIsolatedSeconds(throughputs, referenceWorker);
        BatchSize = spec.Type.BatchSize;
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

    public double Throughput(string worker) => _throughputs.GetValueOrDefault((BatchSize, worker));

    public double RemainingSteps => Math.Max(0, TotalEpochs - EpochsDone) * StepsPerEpoch;

    private int StepsPerEpoch => Spec.Type.Family.StepsPerEpoch(BatchSize);

    /// <summary>Moves to the batch size of the current epoch; true if it changed.</summary>
    public bool AdaptBatchSize()
    {
        var next = _schedule[EpochIndex];
        if (next == BatchSize) return false;
        BatchSize = next;
        return true;
    }

    public ActiveJob Describe(bool batchSizeChanged) => new(
        new JobView(Id, Spec.Type.Family.JobType(BatchSize), Spec.ScaleFactor, Spec.PriorityWeight,
            _throughputs.Where(t => t.Key.BatchSize == BatchSize).ToDictionary(t => t.Key.Worker, t => t.Value),
            RemainingSteps, Spec.ArrivalSeconds),
        Spec, (int)Math.Floor(EpochsDone + 1e-9), _schedule[..(EpochIndex + 1)], batchSizeChanged, LastRound);

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
        GpuSeconds += seconds * Spec.ScaleFactor;
        RoundsScheduled++;
        LastRound = (worker, seconds);
        if (TotalEpochs - EpochsDone <= 1e-9 * Math.Max(1, TotalEpochs)) Completion = now + seconds;
        return (seconds, steps / throughput);
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
