using Frugal.Core.Errors;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Iteration;

/// <summary>
/// A job's state in the iteration-level simulator. Progress is kept in effective epochs, as in the round
/// simulator: one iteration on W workers at per-worker batch b advances W·(1 − κσ) steps of ⌈dataset/b⌉ per
/// epoch. A job runs on GPUs of one type.
/// </summary>
internal sealed class IterationJob
{
    private readonly int[] _schedule;
    private readonly int[] _nextChange;
    private readonly Dictionary<(string Worker, int Batch, double Sigma), JobDemand> _demands = [];
    private readonly Dictionary<(string Worker, int Batch), (double Isolated, double? Compute)> _times = [];
    private readonly ModelProfile _model;
    private readonly JigSawOptions _options;

    /// <exception cref="BadInputException">No GPU type of the cluster has throughputs for the job at every batch
    /// size of its schedule and enough GPUs for it.</exception>
    public IterationJob(JobSpec spec, ThroughputTable throughputs, GpuPools pools, SpbProfiles profiles,
        JigSawOptions options)
    {
        Spec = spec;
        _model = profiles.For(spec.Type.Family.Name);
        _options = options;
        _schedule = spec.BatchSizeSchedule();
        // The first epoch after each one where the batch size differs (or the end): a decision point.
        _nextChange = new int[_schedule.Length];
        for (var e = _schedule.Length - 1; e >= 0; e--)
            _nextChange[e] = e + 1 >= _schedule.Length ? _schedule.Length
                : _schedule[e + 1] != _schedule[e] ? e + 1 : _nextChange[e + 1];
        TotalEpochs = spec.TotalSteps / spec.Type.Family.StepsPerEpoch(spec.Type.BatchSize);
        var batches = _schedule.Distinct().ToArray();
        // A GPU type serves the job if it holds the job's width and has a throughput at every batch size it runs.
        GpuTypes = pools.Types.Where(w => pools.Count(w) >= spec.ScaleFactor && batches.All(batch =>
            throughputs.Isolated(w, spec.Type.Family.JobType(batch), spec.ScaleFactor) is > 0)).ToArray();
        if (GpuTypes.Count == 0)
            throw new BadInputException(
                $"job {spec.Id} ({spec.Type} on {spec.ScaleFactor} GPUs) fits no GPU type of the cluster " +
                $"{pools.Cluster}: none has {spec.ScaleFactor} GPUs and a throughput at every batch size it runs " +
                $"in {throughputs.Source}", "cluster");
        foreach (var worker in GpuTypes)
            foreach (var batch in batches)
            {
                var steps = throughputs.Isolated(worker, spec.Type.Family.JobType(batch), spec.ScaleFactor)!.Value;
                var single = throughputs.Isolated(worker, spec.Type.Family.JobType(batch), 1);
                _times[(worker, batch)] = (spec.ScaleFactor / steps, single is > 0 ? 1 / single : null);
            }
        IsolatedSeconds = Enumerable.Range(0, _schedule.Length)
            .Sum(e => Math.Clamp(TotalEpochs - e, 0, 1) * IsolatedEpochSeconds(_schedule[e]));
        Sigmas = options.SigmasFor(spec.Type.Family.Name, spec.ScaleFactor);
    }

    public JobSpec Spec { get; }
    public int Id => Spec.Id;
    public int Workers => Spec.ScaleFactor;

    /// <summary>The GPU types the job can run on, in the cluster's order.</summary>
    public IReadOnlyList<string> GpuTypes { get; }
    public double TotalEpochs { get; }
    public double EpochsDone { get; private set; }
    public bool Finished => Completion is not null;
    public double? Start { get; private set; }
    public double? Completion { get; private set; }

    /// <summary>The σ values this job may run at, ascending.</summary>
    public IReadOnlyList<double> Sigmas { get; }

    /// <summary>Time to run alone on its GPUs (of its fastest type) at σ = 0 through its whole batch-size
    /// schedule.</summary>
    public double IsolatedSeconds { get; }

    /// <summary>GPU-seconds held so far (W × time placed): the service LAS orders by.</summary>
    public double AttainedGpuSeconds { get; private set; }

    /// <summary>Iterations run, raw and as they count toward the target (1 − κσ each).</summary>
    public double RawIterations { get; private set; }
    public double EffectiveIterations { get; private set; }

    /// <summary>Raw iterations by realised σ.</summary>
    public SortedDictionary<double, double> SigmaIterations { get; } = [];

    public double AllReduceBytes { get; private set; }
    public int IntervalsPlaced { get; private set; }
    public double ActiveJobsSum { get; private set; }
    public int IntervalsPresent { get; private set; }

    /// <summary>Restart overhead still to pay before the job makes progress.</summary>
    public double OverheadLeft { get; private set; }
    public bool WasRunning { get; private set; }

    private int EpochIndex => Math.Min((int)Math.Floor(EpochsDone + 1e-9), _schedule.Length - 1);
    public int BatchSize => _schedule[EpochIndex];
    private int StepsPerEpoch => Spec.Type.Family.StepsPerEpoch(BatchSize);

    /// <summary>Remaining time alone at σ = 0 at the current batch size (what SRTF orders by).</summary>
    public double RemainingIsolatedSeconds => (TotalEpochs - EpochsDone) * IsolatedEpochSeconds(BatchSize);

    /// <summary>An epoch at <paramref name="batch"/> alone on the job's fastest GPU type at σ = 0.</summary>
    public double IsolatedEpochSeconds(int batch) =>
        Spec.Type.Family.StepsPerEpoch(batch) / (double)Workers * GpuTypes.Min(w => _times[(w, batch)].Isolated);

    /// <summary>The job's demand on GPU type <paramref name="worker"/> at σ (cached per type, batch size and σ).
    /// </summary>
    public JobDemand Demand(string worker, double sigma)
    {
        var batch = BatchSize;
        if (_demands.TryGetValue((worker, batch, sigma), out var demand)) return demand;
        var (isolated, compute) = _times[(worker, batch)];
        return _demands[(worker, batch, sigma)] =
            JobDemand.Of(_model, worker, Workers, batch, isolated, compute, sigma, _options);
    }

    /// <summary>The fastest of <paramref name="workers"/> for the job at σ = 0 (ties: the first).</summary>
    public string Fastest(IEnumerable<string> workers) => workers.MinBy(w => Demand(w, 0).IterationSeconds)!;

    /// <summary>
    /// Seconds at <paramref name="iterationSeconds"/> per iteration until the job finishes or its epoch ends
    /// where the batch size changes (progress <paramref name="progress"/> per iteration), overhead included.
    /// </summary>
    public double SecondsToNextEvent(double iterationSeconds, double progress)
    {
        var end = Math.Min(TotalEpochs, _nextChange[EpochIndex]);
        var iterations = (end - EpochsDone) * StepsPerEpoch / (Workers * progress);
        return OverheadLeft + Math.Max(0, iterations) * iterationSeconds;
    }

    public void CountPresence(int activeJobs)
    {
        ActiveJobsSum += activeJobs;
        IntervalsPresent++;
    }

    /// <summary>Runs <paramref name="seconds"/> at one placement; returns the seconds spent training.</summary>
    public double Run(double now, double seconds, double iterationSeconds, JobDemand demand)
    {
        Start ??= now;
        var paid = Math.Min(OverheadLeft, seconds);
        OverheadLeft -= paid;
        var training = seconds - paid;
        var iterations = training / iterationSeconds;
        var epochs = iterations * Workers * demand.Progress / StepsPerEpoch;
        var left = TotalEpochs - EpochsDone;
        if (epochs >= left - 1e-9 * Math.Max(1, TotalEpochs))
        {
            // Finishes inside the interval: only the iterations it needed count.
            iterations *= left / epochs;
            training = iterations * iterationSeconds;
            EpochsDone = TotalEpochs;
            Completion = now + paid + training;
        }
        else EpochsDone += epochs;
        RawIterations += iterations;
        EffectiveIterations += iterations * demand.Progress;
        Count(demand.Sigma, iterations * (1 - demand.FullSyncShare));
        if (demand.FullSyncShare > 0) Count(0, iterations * demand.FullSyncShare);
        AllReduceBytes += iterations * demand.AllReduceBytes;
        AttainedGpuSeconds += Workers * (paid + training);
        IntervalsPlaced++;
        return training;
    }

    private void Count(double sigma, double iterations) =>
        SigmaIterations[sigma] = SigmaIterations.GetValueOrDefault(sigma) + iterations;

    /// <summary>The job is placed for the coming interval: a (re)start costs the restart overhead.</summary>
    public void Place()
    {
        if (!WasRunning) OverheadLeft = _options.RestartOverheadSeconds;
        WasRunning = true;
    }

    /// <summary>The job is not placed for the coming interval.</summary>
    public void Pause() => WasRunning = false;
}
