using System.Buffers.Binary;
using System.IO.Hashing;

namespace Frugal.Storage;

/// <summary>
/// How a <see cref="LogStore"/> is laid out: its folder, the size of its hash index, its page
/// size and in-memory pages, the fraction of them updated in place, its read cache (none
/// when <see cref="ReadCacheFrames"/> is 0), and whether it is direct-mapped: keys 8-byte numbers below
/// <see cref="HashIndex.DirectKeysPerBucket"/> times the buckets, each with an index slot of its own (<see
/// cref="HashIndex.DirectHash"/>) instead of a hashed one, so every chain holds one key's versions and its head tells
/// whether a record is its key's newest without reading anything (the cold index's chunk store, keyed by chunk number).
/// </summary>
internal sealed record LogStoreLayout(
    string Directory, long IndexBuckets, int PageBits, int Frames, double MutableFraction, int ReadCacheFrames,
    double SecondChanceFraction, bool DirectMapped = false)
{
    /// <summary>Bytes of in-memory log pages.</summary>
    public long LogMemoryBytes => (long)Frames << PageBits;

    /// <summary>Bytes of read-cache pages.</summary>
    public long ReadCacheBytes => (long)ReadCacheFrames << PageBits;
}

/// <summary>
/// A single-log store, FASTER's FasterKv: one hybrid log (<c>hlog.dat</c>) with its hash index,
/// an optional read cache, and its part of a checkpoint (the index snapshot
/// <c>index.N.dat</c>). It knows no other tier: a read or read-modify-write whose chain ends
/// without a record of the key says so (<see cref="OpStatus.Missing"/>), and the caller decides
/// what that means. <see cref="KvStore"/> (F2) uses it twice: as its hot tier, and inside the
/// cold tier as the cold index's chunk store. Its operations are the building blocks of the
/// F2 store's; the F2 store checks for disposal, faults and read-only opens before calling.
/// </summary>
internal sealed partial class LogStore : IDisposable
{
    private readonly Epoch _epoch;
    private readonly LogFile _file;
    private readonly HybridLog _log;
    private readonly HashIndex _index;
    private readonly HybridLog? _cache;
    private readonly OperationCounters _counters = new();
    private readonly string _directory;
    private readonly long _storeId;
    private readonly bool _directMapped;

    private long _checkpointSequence;
    private long _versionBits;

    /// <param name="layout">Folder, index, pages and read cache.</param>
    /// <param name="epoch">The epoch that protects the log's memory (the hot tier shares the F2 store's with the cold
    /// log).</param>
    /// <param name="openDevice">Opens the log file at a path.</param>
    /// <param name="storeId">The store's identity, written into the log header and every index snapshot.</param>
    /// <param name="checksums">Whether records carry checksums.</param>
    public LogStore(
        LogStoreLayout layout, Epoch epoch, Func<string, IStorageDevice> openDevice, long storeId, bool checksums)
    {
        Layout = layout;
        _directory = layout.Directory;
        _epoch = epoch;
        _storeId = storeId;
        _directMapped = layout.DirectMapped;
        var device = openDevice(Path.Combine(_directory, KvStore.LogFileName));
        try
        {
            _index = new HashIndex(layout.IndexBuckets);
            _log = new HybridLog(epoch, device, layout.PageBits, layout.Frames, layout.MutableFraction, onEvict: null,
                checksums);
            _file = new LogFile(_log, device, epoch, checksums);
            if (layout.ReadCacheFrames > 0)
                _cache = new HybridLog(
                    epoch, device: null, layout.PageBits, layout.ReadCacheFrames, 1 - layout.SecondChanceFraction,
                    EvictFromReadCache);
        }
        catch
        {
            _log?.Dispose();
            _index?.Dispose();
            device.Dispose();
            throw;
        }
    }

    public LogStoreLayout Layout { get; }

    /// <summary>The log read record by record (chain walks, scans, device counters).</summary>
    public LogFile File => _file;

    public HybridLog Log => _log;
    public HashIndex Index => _index;

    /// <summary>The read cache's log; null when the store has none.</summary>
    public HybridLog? Cache => _cache;

    /// <summary>
    /// Operation counts: reads, upserts, RMWs, deletes, read-cache hits, pending and missing operations.
    /// </summary>
    public long[] Counters => _counters.Totals();

    /// <summary>The version bits new records carry: those of the last checkpoint.</summary>
    public long VersionBits => Volatile.Read(ref _versionBits);

    /// <summary>The hash of a key of the F2 store (the hot index's and the cold index's).</summary>
    public static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key);

    /// <summary>
    /// The hash this store's index takes for <paramref name="key"/>: <see cref="Hash"/>, or in a direct-mapped store
    /// the key's own slot.
    /// </summary>
    private ulong HashOf(ReadOnlySpan<byte> key)
    {
        if (!_directMapped) return Hash(key);
        var id = key.Length == sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(key) : -1;
        if ((ulong)id >= (ulong)(_index.BucketCount * HashIndex.DirectKeysPerBucket))
            throw new ArgumentOutOfRangeException(nameof(key), id,
                $"A direct-mapped store of {_index.BucketCount} buckets takes 8-byte keys " +
                $"below {_index.BucketCount * HashIndex.DirectKeysPerBucket}.");
        return HashIndex.DirectHash(id);
    }

    /// <summary>
    /// The longest value a record with a key of <paramref name="keyLength"/> bytes can hold: a record must fit one
    /// page.
    /// </summary>
    public int MaxValueLength(int keyLength) => (int)Math.Max(0, _log.PageSize - Record.HeaderSize - keyLength);

    public void CheckSizes(int keyLength, int valueLength)
    {
        var size = (long)Record.HeaderSize + keyLength + valueLength;
        if (size > _log.PageSize)
            throw new ArgumentException(
                $"A {keyLength}-byte key with a {valueLength}-byte value needs a " +
                $"{Record.Size(keyLength, valueLength)}-byte record; " +
                $"this store holds records of at most {_log.PageSize} bytes (its page size).");
    }

    /// <summary>
    /// Runs until an attempt does not ask to retry; between attempts the thread refreshes its epoch (no log pointer
    /// survives).
    /// </summary>
    private void Settle(int slot, OpStatus status)
    {
        _epoch.Refresh(slot);
        if (status == OpStatus.Wait) Thread.Yield();
    }

    public void Dispose()
    {
        _file.Dispose();
        _cache?.Dispose();
        _index.Dispose();
    }
}

/// <summary>
/// Operation counts kept per epoch slot, one cache line each, so counting costs no shared
/// atomic: a slot is owned by one thread while it is protected.
/// </summary>
internal sealed class OperationCounters
{
    public const int Reads = 0, Upserts = 1, Rmws = 2, Deletes = 3, ReadCacheHits = 4, Pending = 5, Missing = 6;
    private const int Stride = 8;
    private readonly long[] _counts = new long[Epoch.Slots * Stride];

    public void Add(int slot, int counter) => _counts[slot * Stride + counter]++;

    public long[] Totals()
    {
        var totals = new long[Stride];
        for (var i = 0; i < _counts.Length; i++) totals[i % Stride] += Volatile.Read(ref _counts[i]);
        return totals;
    }
}
