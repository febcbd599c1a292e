using System.Diagnostics;
using Frugal.Core.Randomness;

namespace Frugal.Workloads.Ycsb;

/// <summary>How a YCSB run is sized.</summary>
public sealed record YcsbSettings(long Records, int ValueBytes, int Threads, TimeSpan Duration, double Theta = 0.99)
{
    /// <summary>Bytes of one record's key and value, the unit of "data size" for memory budgets.</summary>
    public long DataBytes => Records * (8L + ValueBytes);
}

/// <summary>What a phase (load or run) measured; <see cref="Timeline"/> when asked for.</summary>
public sealed record PhaseResult(
    long Operations, double Seconds, double P50Micros, double P99Micros, long DeviceBytesRead, long DeviceBytesWritten)
{
    /// <summary>Throughput per interval of the run phase; null unless a timeline interval was asked for.</summary>
    public IReadOnlyList<TimelinePoint>? Timeline { get; init; }

    /// <summary>Operations per second over the whole phase (0 for a phase that took no time).</summary>
    public double OpsPerSecond => Seconds > 0 ? Operations / Seconds : 0;
    /// <summary>Device bytes read per operation, the read amplification the phase paid.</summary>
    public double ReadBytesPerOp => Operations > 0 ? (double)DeviceBytesRead / Operations : 0;
    /// <summary>Device bytes written per operation, the write amplification the phase paid.</summary>
    public double WriteBytesPerOp => Operations > 0 ? (double)DeviceBytesWritten / Operations : 0;
}

/// <summary>
/// One interval of a run: operations per second in it, the compaction rounds that completed in it, and the milliseconds
/// writers slept in it for backpressure (each null when the store does not say).
/// </summary>
public sealed record TimelinePoint(double Seconds, double OpsPerSecond, long? CompactionRounds, long? ThrottleSleeps);

/// <summary>
/// Drives a target through a load phase (every key once, split among the threads) and a timed
/// run phase of one workload. Latencies are sampled (every 8th operation) so timing costs the
/// workers little, into constant-size histograms. Device bytes come from the target's counters
/// when it keeps them, else from the process's I/O accounting (/proc/self/io: bytes passed
/// through read and write calls).
/// </summary>
public static class YcsbRunner
{
    private const int LatencySampleEvery = 8;

    /// <summary>
    /// Loads every key from 0 to <see cref="YcsbSettings.Records"/> once, the keys split among the threads; each value
    /// starts with its key.
    /// </summary>
    /// <param name="target">The store to load.</param>
    /// <param name="settings">Record count, value size and thread count.</param>
    /// <param name="cancellation">Stops the load early (the store keeps what was written).</param>
    public static PhaseResult Load(IKvTarget target, YcsbSettings settings, CancellationToken cancellation = default)
    {
        var before = DeviceBytes(target);
        var samples = NewHistograms(settings.Threads);
        var watch = Stopwatch.StartNew();
        RunThreads(settings.Threads, t =>
        {
            using var session = target.NewSession();
            var value = new byte[settings.ValueBytes];
            var latencies = samples[t];
            for (var key = (long)t; key < settings.Records; key += settings.Threads)
            {
                if ((key & 0xFFFF) == t) cancellation.ThrowIfCancellationRequested();
                BitConverter.TryWriteBytes(value, key);
                var start = Stopwatch.GetTimestamp();
                session.Upsert(key, value);
                if (key % LatencySampleEvery == 0) latencies.Add(Stopwatch.GetTimestamp() - start);
            }
        });
        return Result(settings.Records, watch.Elapsed.TotalSeconds, samples, before, DeviceBytes(target));
    }

    /// <param name="target">The store.</param>
    /// <param name="workload">The operation mix.</param>
    /// <param name="settings">Records, value size, threads, duration.</param>
    /// <param name="seeds">Seeds of the workers' key streams.</param>
    /// <param name="timelineInterval">When set, also sample throughput (and the store's compaction rounds) at this
    /// interval.</param>
    /// <param name="cancellation">Stops the run early.</param>
    public static PhaseResult Run(
        IKvTarget target, YcsbWorkload workload, YcsbSettings settings, SeedTree seeds,
        TimeSpan? timelineInterval = null, CancellationToken cancellation = default)
    {
        var chooser = new YcsbKeyChooser(settings.Records, settings.Theta, workload.Latest);
        var before = DeviceBytes(target);
        // Cache-line apart: workers publish their counts every 256 operations for the timeline sampler.
        var progress = new long[settings.Threads * 8];
        var counts = new long[settings.Threads];
        var samples = NewHistograms(settings.Threads);
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        List<TimelinePoint>? sampler = null;
        var watch = Stopwatch.StartNew();
        RunThreads(settings.Threads, t =>
        {
            var random = seeds.Stream($"thread-{t}");
            using var session = target.NewSession();
            var value = new byte[settings.ValueBytes];
            var latencies = samples[t];
            long done = 0;
            while ((done & 0xFF) != 0 || (Stopwatch.GetTimestamp() < deadline && !cancellation.IsCancellationRequested))
            {
                var start = Stopwatch.GetTimestamp();
                switch (workload.NextOperation(random))
                {
                    case YcsbOperation.Read:
                        session.Read(chooser.Next(random), value);
                        break;
                    case YcsbOperation.Update:
                        session.Upsert(chooser.Next(random), value);
                        break;
                    case YcsbOperation.Insert:
                        var key = chooser.NextInsert();
                        session.Upsert(key, value);
                        chooser.Acknowledge(key);
                        break;
                    default:
                        session.ReadModifyWrite(chooser.Next(random), value);
                        break;
                }
                if (done % LatencySampleEvery == 0) latencies.Add(Stopwatch.GetTimestamp() - start);
                done++;
                if ((done & 0xFF) == 0) Volatile.Write(ref progress[t * 8], done);
            }
            counts[t] = done;
        }, timelineInterval is { } interval ? () => sampler = Sample(target, progress, interval, deadline) : null);
        cancellation.ThrowIfCancellationRequested();
        var result = Result(counts.Sum(), watch.Elapsed.TotalSeconds, samples, before, DeviceBytes(target));
        return result with { Timeline = sampler };
    }

    /// <summary>
    /// Samples the workers' progress, the store's compaction rounds and its writers' throttle sleeps every
    /// <paramref name="interval"/> until the deadline. The last window ends at the deadline, when the workers stop, so
    /// it holds no idle time; a last window shorter than half an interval is left out (too short to judge a rate by).
    /// </summary>
    private static List<TimelinePoint> Sample(IKvTarget target, long[] progress, TimeSpan interval, long deadline)
    {
        var points = new List<TimelinePoint>();
        var started = Stopwatch.GetTimestamp();
        long lastOps = 0;
        var lastRounds = target.CompactionRounds;
        var lastSleeps = target.ThrottleSleeps;
        var lastAt = started;
        var ticks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        while (lastAt < deadline)
        {
            var end = Math.Min(lastAt + ticks, deadline);
            for (long wait; (wait = end - Stopwatch.GetTimestamp()) > 0;)
                Thread.Sleep((int)Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency));
            var now = Stopwatch.GetTimestamp();
            var seconds = (double)(now - lastAt) / Stopwatch.Frequency;
            if (end == deadline && now - lastAt < ticks / 2) break;
            long ops = 0;
            for (var i = 0; i < progress.Length; i += 8) ops += Volatile.Read(ref progress[i]);
            var (rounds, sleeps) = (target.CompactionRounds, target.ThrottleSleeps);
            var at = (double)(now - started) / Stopwatch.Frequency;
            points.Add(new TimelinePoint(at, (ops - lastOps) / seconds, rounds - lastRounds, sleeps - lastSleeps));
            (lastOps, lastRounds, lastSleeps, lastAt) = (ops, rounds, sleeps, now);
        }
        return points;
    }

    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="count"/> threads, and <paramref name="beside"/> (if any) on one
    /// more, and joins them all.
    /// </summary>
    private static void RunThreads(int count, Action<int> body, Action? beside = null)
    {
        var errors = new Exception?[count];
        var side = beside is null ? null : new Thread(() => beside()) { IsBackground = true, Name = "ycsb-timeline" };
        side?.Start();
        var threads = Enumerable.Range(0, count).Select(t => new Thread(() =>
        {
            try
            {
                body(t);
            }
            catch (Exception e)
            {
                errors[t] = e;
            }
        })
        { IsBackground = true, Name = $"ycsb-{t}" }).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        side?.Join();
        if (errors.FirstOrDefault(e => e is not null) is { } error)
            throw new AggregateException("a YCSB worker failed", error);
    }

    private static LatencyHistogram[] NewHistograms(int count) =>
        Enumerable.Range(0, count).Select(_ => new LatencyHistogram()).ToArray();

    private static PhaseResult Result(
        long operations, double seconds, LatencyHistogram[] samples, (long Read, long Written) before,
        (long Read, long Written) after)
    {
        var all = new LatencyHistogram();
        foreach (var histogram in samples) all.Merge(histogram);
        return new PhaseResult(operations, seconds, all.PercentileMicros(0.5), all.PercentileMicros(0.99),
            after.Read - before.Read, after.Written - before.Written);
    }

    private static (long Read, long Written) DeviceBytes(IKvTarget target) =>
        target.DeviceBytes ?? ProcessIo.ReadAndWrittenBytes();
}

/// <summary>
/// The process's I/O accounting on Linux: bytes through read/write calls (rchar, wchar); zeros elsewhere.
/// </summary>
internal static class ProcessIo
{
    public static (long Read, long Written) ReadAndWrittenBytes()
    {
        const string path = "/proc/self/io";
        if (!File.Exists(path)) return (0, 0);
        long read = 0, written = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("rchar:", StringComparison.Ordinal)) read = long.Parse(line.AsSpan(6).Trim());
            else if (line.StartsWith("wchar:", StringComparison.Ordinal)) written = long.Parse(line.AsSpan(6).Trim());
        }
        return (read, written);
    }
}
