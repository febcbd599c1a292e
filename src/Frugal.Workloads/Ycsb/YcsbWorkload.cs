using Frugal.Core.Catalogs;
using Frugal.Core.Distributions;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;

namespace Frugal.Workloads.Ycsb;

/// <summary>One YCSB operation, as a workload draws it.</summary>
public enum YcsbOperation
{
    /// <summary>Reads a key.</summary>
    Read,
    /// <summary>Overwrites an existing key's value without reading it (a blind upsert).</summary>
    Update,
    /// <summary>Writes a new key past the loaded ones.</summary>
    Insert,
    /// <summary>Reads a key's value and writes back a changed one, as one operation.</summary>
    ReadModifyWrite,
}

/// <summary>
/// A YCSB core workload: the operation mix and how keys are chosen. A 50/50 read/update,
/// B 95/5, C read only, D 95 % reads of recently inserted keys and 5 % inserts, F read-modify-
/// write only (the F-like mix of FASTER's benchmark, as F2's paper runs it). Updates are blind
/// upserts. Keys are drawn from YCSB's scrambled Zipfian (θ = 0.99 by default); D draws
/// "latest": the newest key minus a Zipfian rank.
/// </summary>
public sealed record YcsbWorkload(
    string Name, double ReadFraction, double UpdateFraction, double InsertFraction, double RmwFraction, bool Latest)
{
    /// <summary>Update heavy: 50 % reads, 50 % updates.</summary>
    public static YcsbWorkload A { get; } = new("A", 0.5, 0.5, 0, 0, Latest: false);
    /// <summary>Read mostly: 95 % reads, 5 % updates.</summary>
    public static YcsbWorkload B { get; } = new("B", 0.95, 0.05, 0, 0, Latest: false);
    /// <summary>Read only.</summary>
    public static YcsbWorkload C { get; } = new("C", 1, 0, 0, 0, Latest: false);
    /// <summary>Read latest: 95 % reads biased to the newest keys, 5 % inserts.</summary>
    public static YcsbWorkload D { get; } = new("D", 0.95, 0, 0.05, 0, Latest: true);
    /// <summary>Read-modify-write only.</summary>
    public static YcsbWorkload F { get; } = new("F", 0, 0, 0, 1, Latest: false);

    /// <summary>The five workloads in order A, B, C, D, F.</summary>
    public static IReadOnlyList<YcsbWorkload> All { get; } = [A, B, C, D, F];

    /// <summary>The workloads by name (A, B, C, D, F; any case).</summary>
    public static Catalog<YcsbWorkload> Catalog { get; } = new Catalog<YcsbWorkload>("YCSB workload")
        .Add("A", A, "50% reads, 50% updates")
        .Add("B", B, "95% reads, 5% updates")
        .Add("C", C, "reads only")
        .Add("D", D, "95% reads of the latest keys, 5% inserts")
        .Add("F", F, "read-modify-writes only");

    /// <summary>The workload named <paramref name="name"/> (A, B, C, D or F; any case).</summary>
    /// <exception cref="UnknownNameException">No workload has that name; the message lists the known ones.</exception>
    public static YcsbWorkload Parse(string name) => Catalog.Get(name);

    /// <summary>Draws the next operation from the workload's mix.</summary>
    internal YcsbOperation NextOperation(RandomStream random)
    {
        var u = random.NextDouble();
        if (u < ReadFraction) return YcsbOperation.Read;
        if (u < ReadFraction + UpdateFraction) return YcsbOperation.Update;
        return u < ReadFraction + UpdateFraction + InsertFraction
            ? YcsbOperation.Insert
            : YcsbOperation.ReadModifyWrite;
    }
}

/// <summary>
/// Chooses keys for a run over <c>records</c> loaded keys; thread-safe (each thread brings its own stream). As YCSB's
/// acknowledged counter, "latest" is the newest key whose insert has returned, so a read never asks for a key still
/// being written (which would count as missing, as if the store had lost it).
/// </summary>
internal sealed class YcsbKeyChooser
{
    /// <summary>Inserts issued but not yet counted as written that the chooser can track (a power of two).</summary>
    private const int Window = 1 << 16;

    private readonly YcsbScrambledZipfian _scrambled;
    private readonly YcsbZipfian _ranks;
    private readonly bool _latest;
    private readonly bool[] _acknowledged = new bool[Window];
    private readonly Lock _advancing = new();
    private long _issued, _written;

    public YcsbKeyChooser(long records, double theta, bool latest)
    {
        _scrambled = new YcsbScrambledZipfian(0, records - 1, theta);
        _ranks = new YcsbZipfian(0, records - 1, theta);
        _latest = latest;
        _issued = _written = records;
    }

    /// <summary>How many keys are written: the loaded ones and every insert below the first one still open.</summary>
    public long KeyCount => Interlocked.Read(ref _written);

    public long Next(RandomStream random) =>
        _latest ? Math.Max(0, KeyCount - 1 - _ranks.Sample(random)) : _scrambled.Sample(random);

    /// <summary>A fresh key for an insert; call <see cref="Acknowledge"/> when the store has taken it.</summary>
    public long NextInsert() => Interlocked.Increment(ref _issued) - 1;

    /// <summary>
    /// Marks <paramref name="key"/> (from <see cref="NextInsert"/>) written, and moves <see cref="KeyCount"/> past
    /// every key written in a row. A thread that finds another advancing leaves it to that one or the next.
    /// </summary>
    public void Acknowledge(long key)
    {
        Volatile.Write(ref _acknowledged[key & (Window - 1)], true);
        if (!_advancing.TryEnter()) return;
        try
        {
            var next = _written;
            while (Volatile.Read(ref _acknowledged[next & (Window - 1)]))
            {
                _acknowledged[next & (Window - 1)] = false;
                Interlocked.Exchange(ref _written, ++next);
            }
        }
        finally
        {
            _advancing.Exit();
        }
    }
}
