using Frugal.Provisioning.Simulation;

namespace Frugal.Provisioning.Chains;

/// <summary>A job as the features see it: (limit in minutes, nodes, wait in s, elapsed in s).</summary>
internal readonly record struct JobTuple(double LimitMinutes, double Nodes, double WaitSeconds, double ElapsedSeconds)
{
    /// <summary>A pending job: waited since submission, not started.</summary>
    public static JobTuple Pending(SimJob job, long now) =>
        new(job.LimitSeconds / 60.0, job.Nodes, now - job.Submit, 0);

    /// <summary>A running job: its queue wait and how long it has run.</summary>
    public static JobTuple Running(SimJob job, long now) =>
        new(job.LimitSeconds / 60.0, job.Nodes, job.Start!.Value - job.Submit, now - job.Start.Value);

    /// <summary>The predecessor: waiting so far while it pends, its queue wait once it runs.</summary>
    public static JobTuple Predecessor(SimJob job, long now) =>
        job.Start is { } start && start <= now ? Running(job, now) : Pending(job, now);

    /// <summary>The successor about to be submitted: its request, no wait, no run.</summary>
    public static JobTuple Successor(ChainSpec chain) => new(chain.LimitSeconds / 60.0, chain.Nodes, 0, 0);
}

/// <summary>
/// Mirage's state: a snapshot of the pending and running sets every 10 minutes, 34 numbers each
/// (count, Σ nodes and five percentiles of limit, wait and elapsed, per set); the last 144
/// snapshots (24 h), oldest first, each followed by the current predecessor and successor tuples:
/// 144 × 42 = 6048 numbers.
/// </summary>
internal static class SnapshotFeatures
{
    public const int PerSnapshot = 34;
    public const int PerRow = 42;
    public const int HistoryLength = 144;
    public const long IntervalSeconds = 600;
    public const int Length = HistoryLength * PerRow;

    private static readonly double[] Percentiles = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>The 34 queue features at <paramref name="now"/>.</summary>
    public static float[] Snapshot(IEnumerable<SimJob> pending, IEnumerable<SimJob> running, long now)
    {
        var features = new float[PerSnapshot];
        Group(pending.Select(j => JobTuple.Pending(j, now)).ToList(), features.AsSpan(0, 17));
        Group(running.Select(j => JobTuple.Running(j, now)).ToList(), features.AsSpan(17, 17));
        return features;
    }

    /// <summary>Flattens a full history with the chain's current tuples appended to every row.</summary>
    public static float[] Flatten(IReadOnlyList<float[]> history, JobTuple predecessor, JobTuple successor)
    {
        if (history.Count != HistoryLength)
            throw new ArgumentException($"a decision needs {HistoryLength} snapshots, not {history.Count}.");
        var x = new float[Length];
        for (var r = 0; r < HistoryLength; r++)
        {
            var row = x.AsSpan(r * PerRow, PerRow);
            history[r].AsSpan().CopyTo(row);
            Write(predecessor, row[34..38]);
            Write(successor, row[38..42]);
        }
        return x;
    }

    /// <summary>count; Σ nodes; pct5(limit); pct5(wait); pct5(elapsed).</summary>
    private static void Group(List<JobTuple> jobs, Span<float> into)
    {
        into[0] = jobs.Count;
        into[1] = (float)jobs.Sum(j => j.Nodes);
        Pct5(jobs.Select(j => j.LimitMinutes), into[2..7]);
        Pct5(jobs.Select(j => j.WaitSeconds), into[7..12]);
        Pct5(jobs.Select(j => j.ElapsedSeconds), into[12..17]);
    }

    /// <summary>
    /// Percentiles 0, 25, 50, 75 and 100 with linear interpolation (NumPy's default); an empty set counts as {0}.
    /// </summary>
    internal static void Pct5(IEnumerable<double> values, Span<float> into)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) sorted = [0];
        for (var i = 0; i < Percentiles.Length; i++)
            into[i] = (float)Core.Statistics.Summary.QuantileOfSorted(sorted, Percentiles[i]);
    }

    private static void Write(JobTuple t, Span<float> into)
    {
        into[0] = (float)t.LimitMinutes;
        into[1] = (float)t.Nodes;
        into[2] = (float)t.WaitSeconds;
        into[3] = (float)t.ElapsedSeconds;
    }
}

/// <summary>The last <see cref="SnapshotFeatures.HistoryLength"/> snapshots, oldest first.</summary>
internal sealed class QueueHistory
{
    private readonly Queue<float[]> _snapshots = new();

    public bool IsFull => _snapshots.Count == SnapshotFeatures.HistoryLength;

    public void Record(float[] snapshot)
    {
        if (IsFull) _snapshots.Dequeue();
        _snapshots.Enqueue(snapshot);
    }

    public IReadOnlyList<float[]> Rows() => _snapshots.ToArray();
}
