using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Chains;

/// <summary>How one chain sample is simulated (Mirage §7): the replay window, when the predecessor is submitted, and
/// the load.</summary>
public sealed record EpisodeSettings
{
    /// <summary>The node pools the replayed trace runs on.</summary>
    public NodePools Pools { get; init; } = NodePools.Single(88);
    /// <summary>The simulated Slurm's priority and backfill settings.</summary>
    public SchedulerOptions Scheduler { get; init; } = SchedulerOptions.Default;
    /// <summary>The injected predecessor/successor pair: its jobs' width and time limit.</summary>
    public ChainSpec Chain { get; init; } = new();

    /// <summary>The jobs submitted in [start, start + window] are replayed (5 days).</summary>
    public long WindowSeconds { get; init; } = 5 * 86400;

    /// <summary>The predecessor is submitted this long after the start (2 days), once the queue has filled and 24 h of
    /// history exist.</summary>
    public long LeadSeconds { get; init; } = 2 * 86400;

    /// <summary>Arrival-rate factor: 2 replays the jobs of 2 windows compressed into one; 1 is the trace's own
    /// load.</summary>
    public double Load { get; init; } = 1;

    /// <summary>The name messages give <see cref="Load"/>.</summary>
    public const string LoadSetting = "load";

    /// <summary>The highest load factor: 10 replays ten windows' jobs in one (Mirage studies 0.8 to 1.2).</summary>
    public const double MaxLoad = 10;

    /// <exception cref="BadInputException">A setting is out of range, or the chain does not fit its pool.</exception>
    public void Validate()
    {
        Chain.Validate();
        Scheduler.Validate();
        Pools.CheckFits("the chain", SlurmJob.DefaultPartition, Chain.Nodes);
        if (!(Load > 0 && Load <= MaxLoad))
            throw new BadInputException(
                $"{LoadSetting}: {Load.ToString(CultureInfo.InvariantCulture)} " +
                $"is not a factor above 0 and at most {MaxLoad}",
                LoadSetting);
        if (LeadSeconds < SnapshotFeatures.HistoryLength * SnapshotFeatures.IntervalSeconds)
            throw new BadInputException("the predecessor must be submitted after a full 24-hour history");
        if (WindowSeconds < LeadSeconds)
            throw new BadInputException("the replay window must reach past the predecessor's submission");
    }
}

/// <summary>
/// One training example: the 144 × 42 state at a probe time and the gap, in hours, of submitting
/// the successor then.
/// </summary>
public sealed record ProbeSample(long SampleStart, long ProbeTime, float[] Features, float LabelHours);

/// <summary>
/// Simulates chain samples on a trace: from an empty cluster at the sample start it replays the
/// window's jobs, submits the predecessor after the lead time, snapshots the queue every 10
/// minutes and submits the successor when a method says so (decided every 10 minutes while the
/// predecessor runs) or, at the latest, one minute before the predecessor ends.
/// </summary>
internal sealed class ChainEpisode
{
    private readonly IReadOnlyList<SlurmJob> _trace;

    public ChainEpisode(IReadOnlyList<SlurmJob> trace, EpisodeSettings settings)
    {
        settings.Validate();
        _trace = trace;
        Settings = settings;
    }

    public EpisodeSettings Settings { get; }

    /// <summary>Runs one chain with <paramref name="method"/> deciding; returns the gap.</summary>
    public ChainGap Run(long start, IProvisioningMethod method)
    {
        var run = Begin(start);
        var chain = Settings.Chain;
        if (method.SubmitsWithDependency)
        {
            // afterany: queued with the predecessor, eligible (and ageing) only from its end.
            var dependent =
                SimJob.After(run.Predecessor, "successor", run.Predecessor.Submit, chain.LimitSeconds,
                chain.LimitSeconds, chain.Nodes, chain.Priority);
            return Finish(run, dependent);
        }

        var tick = start;
        while (true)
        {
            var next = tick + SnapshotFeatures.IntervalSeconds;
            if (run.Predecessor.End is { } end && end - 60 <= next)
            {
                // The fallback, and the reactive baseline: submit one minute before the predecessor ends.
                run.Simulator.AdvanceTo(Math.Max(end - 60, run.Simulator.Now));
                return Finish(run, Successor(run.Simulator.Now));
            }
            tick = next;
            Record(run, tick);
            if (run.Predecessor.Start is null || !run.History.IsFull) continue;
            var context =
                new DecisionContext(tick, (int)((tick - start) / SnapshotFeatures.IntervalSeconds),
                run.Predecessor.End!.Value, run.Simulator.MeanWaitOfLastStarted,
                () => Features(run, tick));
            if (method.ShouldSubmit(context)) return Finish(run, Successor(tick));
        }
    }

    /// <summary>When the predecessor starts in the sample beginning at <paramref name="start"/>, without a
    /// successor.</summary>
    public long PredecessorStart(long start)
    {
        var run = Begin(start);
        run.Simulator.RunUntil(() => run.Predecessor.Start is not null);
        return run.Predecessor.Start!.Value;
    }

    /// <summary>
    /// The probe times of a sample: <paramref name="count"/> times evenly spaced from one minute
    /// after the predecessor's submission to one minute before its end, truncated to the minute.
    /// </summary>
    public long[] ProbeTimes(long start, int count)
    {
        if (count < 2) throw new ArgumentException($"a sample needs at least 2 probes, not {count}.");
        var first = start + Settings.LeadSeconds + 60;
        var last = PredecessorStart(start) + Settings.Chain.LimitSeconds - 60;
        return Enumerable.Range(0, count).Select(k => first + (last - first) * k / (count - 1))
            .Select(t => t - (t % 60 + 60) % 60).ToArray();
    }

    /// <summary>Submits the successor at exactly <paramref name="probeTime"/> and records the state then and the gap
    /// that follows.</summary>
    public ProbeSample Probe(long start, long probeTime)
    {
        var run = Begin(start);
        if (probeTime < start + SnapshotFeatures.HistoryLength * SnapshotFeatures.IntervalSeconds)
            throw new ArgumentException("a probe needs a full 24-hour history before it.");
        for (var tick =
            start + SnapshotFeatures.IntervalSeconds; tick
            <= probeTime; tick += SnapshotFeatures.IntervalSeconds) Record(run, tick);
        run.Simulator.AdvanceTo(probeTime);
        var features = Features(run, probeTime);
        var gap = Finish(run, Successor(probeTime));
        return new ProbeSample(start, probeTime, features, (float)gap.Hours);
    }

    private sealed record Replay(QueueSimulator Simulator, SimJob Predecessor, QueueHistory History);

    private Replay Begin(long start)
    {
        var simulator = new QueueSimulator(Settings.Pools, Settings.Scheduler, start);
        foreach (var job in WindowJobs(start)) simulator.Submit(job);
        var chain = Settings.Chain;
        var predecessor = new SimJob(
            "predecessor", start + Settings.LeadSeconds, chain.LimitSeconds, chain.LimitSeconds, chain.Nodes)
        {
            FixedPriority = chain.Priority,
        };
        simulator.Submit(predecessor);
        return new Replay(simulator, predecessor, new QueueHistory());
    }

    /// <summary>The trace's jobs submitted in the window, with arrival times compressed (or stretched) by the load
    /// factor.</summary>
    private IEnumerable<SimJob> WindowJobs(long start)
    {
        var span = (long)(Settings.WindowSeconds * Settings.Load);
        for (var i = LowerBound(start); i < _trace.Count && _trace[i].Submit <= start + span; i++)
        {
            var job = _trace[i];
            var submit = start + (long)((job.Submit - start) / Settings.Load);
            yield return new SimJob(job.Id, submit, job.LimitSeconds, job.RuntimeSeconds, job.Nodes, job.Partition)
            {
                FixedPriority = job.LoggedPriority,
            };
        }
    }

    private int LowerBound(long submit)
    {
        int lo = 0, hi = _trace.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_trace[mid].Submit < submit) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private SimJob Successor(long submit) =>
        new("successor", submit, Settings.Chain.LimitSeconds, Settings.Chain.LimitSeconds, Settings.Chain.Nodes)
        {
            FixedPriority = Settings.Chain.Priority,
        };

    private ChainGap Finish(Replay run, SimJob successor)
    {
        run.Simulator.Submit(successor);
        run.Simulator.RunUntil(() => successor.Start is not null && run.Predecessor.Start is not null);
        return ChainGap.Between(run.Predecessor.End!.Value, successor.Start!.Value, Settings.Chain.Nodes);
    }

    private static void Record(Replay run, long tick)
    {
        run.Simulator.AdvanceTo(tick);
        // The chain's own jobs enter the state through their tuples, not through the queue sets.
        run.History.Record(SnapshotFeatures.Snapshot(
            run.Simulator.Pending.Where(j => !ReferenceEquals(j, run.Predecessor)),
            run.Simulator.Running.Where(j => !ReferenceEquals(j, run.Predecessor)), tick));
    }

    private float[] Features(Replay run, long now) =>
        SnapshotFeatures.Flatten(run.History.Rows(), JobTuple.Predecessor(run.Predecessor, now),
            JobTuple.Successor(Settings.Chain));
}
