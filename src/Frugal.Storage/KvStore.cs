using System.Buffers;
using System.IO.Hashing;

namespace Frugal.Storage;

/// <summary>
/// A concurrent, durable key-value store over a hybrid log, with variable-length byte keys and
/// values (<see cref="KvStore{TKey,TValue}"/> is the typed face for fixed-size ones). Every
/// method is safe to call from many threads at once. Reads and read-modify-writes complete
/// synchronously when the record is in memory and return a pending <see cref="ValueTask"/> that
/// finishes its own disk I/O otherwise; upserts and deletes never wait for the disk. Nothing
/// after the last <see cref="Checkpoint"/> survives a crash; nothing before it is lost.
/// See docs/storage.md for the design and the threading model.
/// </summary>
public sealed unsafe partial class KvStore : IDisposable
{
    private const string LogFileName = "hlog.dat";
    private const string ColdLogFileName = "cold.dat";
    private const string ColdIndexDirectory = "cold-index";
    private const string MetaFileName = "checkpoint.meta";
    private const int FirstDeviceRead = 512;

    private readonly Epoch _epoch = new();
    private readonly HashIndex _index;
    private readonly HybridLog _log;
    private readonly HybridLog? _cache;
    private readonly IStorageDevice _device;
    private readonly OperationCounters _counters = new();
    private readonly Lock _checkpointLock = new();
    private readonly string _directory;
    private readonly RecordShape _shape;
    private readonly KvStoreOptions _options;

    // The cold tier; null in the cold index's own chunk store, which is a store without one.
    private readonly HybridLog? _coldLog;
    private readonly IStorageDevice? _coldDevice;
    private readonly ColdIndex? _coldIndex;
    private readonly Thread? _compactor;
    private readonly ManualResetEventSlim _stopCompaction = new();

    private long _checkpointSequence;
    private long _versionBits;
    private long _deviceReads;
    private long _bytesRead;
    private int _disposed;

    /// <summary>Opens the store in <paramref name="options"/>'s directory, recovering its last checkpoint, or creates it there.</summary>
    public static KvStore Open(KvStoreOptions options) => new(options, RecordShape.Variable);

    internal KvStore(KvStoreOptions options, RecordShape shape) : this(options, shape, path => new FileDevice(path)) { }

    /// <param name="options">The options.</param>
    /// <param name="shape">The record sizes the directory must have been created for.</param>
    /// <param name="openDevice">Opens a log's device at a path (tests substitute a failing one).</param>
    internal KvStore(KvStoreOptions options, RecordShape shape, Func<string, IStorageDevice> openDevice)
        : this(options, shape, openDevice, owned: false, ownerMeta: null) { }

    /// <param name="options">The options.</param>
    /// <param name="shape">The record sizes.</param>
    /// <param name="openDevice">Opens a log's device at a path.</param>
    /// <param name="owned">
    /// True for the cold index's chunk store: no cold tier, no compaction thread, and no
    /// checkpoint file of its own — its owner embeds its checkpoint in the owner's.
    /// </param>
    /// <param name="ownerMeta">The owned store's checkpoint, from its owner's; null to create it.</param>
    private KvStore(KvStoreOptions options, RecordShape shape, Func<string, IStorageDevice> openDevice, bool owned, CheckpointMeta? ownerMeta)
    {
        _directory = Path.GetFullPath(options.Directory);
        _shape = shape;
        _options = options;
        Directory.CreateDirectory(_directory);
        var metaPath = Path.Combine(_directory, MetaFileName);
        CheckpointMeta? meta;
        if (owned) meta = ownerMeta;
        else
        {
            meta = File.Exists(metaPath) ? CheckpointMeta.Read(metaPath) : null;
            if (meta is null && Directory.EnumerateFileSystemEntries(_directory).Any())
                throw new StorageException($"{metaPath}: missing, but {_directory} is not empty: not a Frugal store (or its creation was interrupted); refusing to overwrite it.");
            if (meta is not null && (meta.KeySize != shape.KeySize || meta.ValueSize != shape.ValueSize))
                throw new StorageException($"{metaPath}: the store holds {RecordShape.Describe(meta.KeySize, meta.ValueSize)}, but was opened for {shape} (incompatible).");
            if (meta is not null && meta.Cold is null)
                throw new StorageException($"{metaPath}: a checkpoint without a cold tier (incompatible).");
        }

        var plan = MemoryPlan.From(meta is null ? options : options with { PageSizeBits = meta.PageBits, IndexBytes = meta.IndexBuckets * HashIndex.BucketBytes });
        // The cold index's size is fixed at creation, like the hot index's: its chunk ids depend on it.
        if (meta?.Cold is { } coldMeta) plan = plan with { ColdIndexBuckets = coldMeta.Index.IndexBuckets, ColdIndexPageBits = coldMeta.Index.PageBits };
        Plan = plan;
        _device = openDevice(Path.Combine(_directory, LogFileName));
        try
        {
            _index = new HashIndex(Plan.IndexBuckets);
            _log = new HybridLog(_epoch, _device, Plan.PageBits, Plan.LogFrames, options.MutableFraction, onEvict: null);
            if (Plan.ReadCacheFrames > 0)
                _cache = new HybridLog(_epoch, device: null, Plan.PageBits, Plan.ReadCacheFrames, 1 - options.SecondChanceFraction, EvictFromReadCache);
            if (!owned)
            {
                _coldDevice = openDevice(Path.Combine(_directory, ColdLogFileName));
                // Append-only: HybridLog keeps one page mutable, but nothing ever updates a cold record in place.
                _coldLog = new HybridLog(_epoch, _coldDevice, Plan.PageBits, Plan.ColdLogFrames, mutableFraction: 0, onEvict: null);
                var chunks = new KvStore(ColdIndex.StoreOptions(Path.Combine(_directory, ColdIndexDirectory), Plan), ColdIndex.Shape, openDevice, owned: true, meta?.Cold?.Index);
                _coldIndex = new ColdIndex(chunks);
            }
            Recovery = meta is null ? Create(owned) : Recover(meta, owned);
        }
        catch
        {
            DisposeParts();
            throw;
        }
        if (owned) return;
        _coldTrigger = Plan.ColdLogBudget;
        // A thread of its own: rounds block on device reads, which must not hold up the pool.
        _compactor = new Thread(CompactionLoop) { IsBackground = true, Name = "frugal-compaction" };
        _compactor.Start();
    }

    /// <summary>How the memory budget was split.</summary>
    public MemoryPlan Plan { get; }

    /// <summary>What opening the store found: a new store, or the checkpoint it recovered and the torn tail it dropped.</summary>
    public RecoveryInfo Recovery { get; }

    private RecoveryInfo Create(bool owned)
    {
        LogFileHeader.Write(_device, Plan.PageBits);
        if (_coldDevice is not null) LogFileHeader.Write(_coldDevice, Plan.PageBits);
        _versionBits = Record.VersionBits(0);
        var meta = Snapshot(_log.TailAddress, sequence: 0, out _);
        if (!owned) meta.Write(Path.Combine(_directory, MetaFileName));
        return new RecoveryInfo(Created: true, 0, _log.TailAddress, 0);
    }

    private RecoveryInfo Recover(CheckpointMeta meta, bool owned)
    {
        var truncated = RecoverLog(_log, _device, meta.PageBits, meta.BeginAddress, meta.TailAddress);
        IndexSnapshotWriter.Load(IndexPath(meta.Sequence), meta, _index);
        if (meta.Cold is { } cold) truncated += RecoverLog(_coldLog!, _coldDevice!, meta.PageBits, cold.BeginAddress, cold.TailAddress);
        _checkpointSequence = meta.Sequence;
        _versionBits = Record.VersionBits(meta.Sequence);
        // A crash between a checkpoint's rename and its cleanup leaves the superseded snapshot behind.
        foreach (var stale in Directory.EnumerateFiles(_directory, "index.*.dat").Where(f => f != IndexPath(meta.Sequence)).ToList()) File.Delete(stale);
        // ... and a crash between the rename and the reclaiming leaves space below Begin to give back.
        Reclaim(counted: false);
        return new RecoveryInfo(Created: false, meta.Sequence, meta.TailAddress, truncated);
    }

    /// <summary>Validates a log file against its checkpoint, cuts what lies past the checkpoint's tail, and loads the tail page.</summary>
    private static long RecoverLog(HybridLog log, IStorageDevice device, int pageBits, long begin, long tail)
    {
        LogFileHeader.Validate(device, pageBits);
        var length = device.Length;
        if (length < tail)
            throw new StorageException($"{device.Name}: {length} bytes, shorter than the {tail} bytes its checkpoint covers (corrupt or truncated).");
        // Whatever lies past the checkpoint's tail was written after it (or torn by a crash): never read it as data.
        if (length > tail) device.Truncate(tail);
        log.Recover(begin, tail);
        return length - tail;
    }

    private string IndexPath(long sequence) => Path.Combine(_directory, $"index.{sequence}.dat");

    private static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key);

    private void CheckSizes(int keyLength, int valueLength)
    {
        var size = (long)Record.HeaderSize + keyLength + valueLength;
        if (size > _log.PageSize)
            throw new ArgumentException(
                $"A {keyLength}-byte key with a {valueLength}-byte value needs a {Record.Size(keyLength, valueLength)}-byte record; this store holds records of at most {_log.PageSize} bytes (its page size).");
    }

    private int Enter()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _compactionFault) is { } fault) throw new StorageException($"{_directory}: background compaction failed: {fault.Message}", fault);
        return _epoch.Protect();
    }

    /// <summary>Runs until an attempt does not ask to retry; between attempts the thread refreshes its epoch (no log pointer survives).</summary>
    private void Settle(int slot, OpStatus status)
    {
        _epoch.Refresh(slot);
        if (status == OpStatus.Wait) Thread.Yield();
    }

    /// <summary>A snapshot of the memory split, both tiers' log regions, compaction and I/O counters.</summary>
    public StoreStats Stats()
    {
        var c = _counters.Totals();
        var chunks = _coldIndex?.Store.Stats();
        return new StoreStats
        {
            Plan = Plan,
            IndexBuckets = _index.BucketCount,
            OverflowBuckets = _index.OverflowBuckets,
            IndexBytes = _index.MemoryBytes,
            BeginAddress = _log.BeginAddress,
            HeadAddress = _log.HeadAddress,
            ReadOnlyAddress = _log.ReadOnlyAddress,
            TailAddress = _log.TailAddress,
            FlushedUntilAddress = _log.FlushedUntilAddress,
            ReadCacheHeadAddress = _cache?.HeadAddress ?? 0,
            ReadCacheTailAddress = _cache?.TailAddress ?? 0,
            ColdBeginAddress = _coldLog?.BeginAddress ?? 0,
            ColdHeadAddress = _coldLog?.HeadAddress ?? 0,
            ColdTailAddress = _coldLog?.TailAddress ?? 0,
            ColdIndexChunks = _coldIndex?.ChunkCount ?? 0,
            ColdIndexBytes = chunks is null ? 0 : chunks.IndexBytes + chunks.Plan.LogMemoryBytes,
            ColdIndexLogBytes = chunks is null ? 0 : chunks.TailAddress - chunks.BeginAddress,
            Reads = c[OperationCounters.Reads],
            Upserts = c[OperationCounters.Upserts],
            Rmws = c[OperationCounters.Rmws],
            Deletes = c[OperationCounters.Deletes],
            ReadCacheHits = c[OperationCounters.ReadCacheHits],
            PendingOperations = c[OperationCounters.Pending],
            ColdLookups = Interlocked.Read(ref _coldLookups),
            HotToColdCompactions = Interlocked.Read(ref _hotCompactions),
            ColdToColdCompactions = Interlocked.Read(ref _coldCompactions),
            ColdIndexCompactions = chunks?.HotToColdCompactions ?? 0,
            CompactedBytes = Interlocked.Read(ref _compactedBytes) + (chunks?.CompactedBytes ?? 0),
            MovedBytes = Interlocked.Read(ref _movedBytes) + (chunks?.MovedBytes ?? 0),
            ReclaimedBytes = Interlocked.Read(ref _reclaimedBytes) + (chunks?.ReclaimedBytes ?? 0),
            AutoCheckpoints = Interlocked.Read(ref _autoCheckpoints),
            DeviceReads = Interlocked.Read(ref _deviceReads) + (chunks?.DeviceReads ?? 0),
            BytesRead = Interlocked.Read(ref _bytesRead) + (chunks?.BytesRead ?? 0),
            BytesWritten = _log.BytesWritten + (_coldLog?.BytesWritten ?? 0) + (chunks?.BytesWritten ?? 0),
        };
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // A compaction round in progress finishes first: it must not read freed log memory.
        _stopCompaction.Set();
        _compactor?.Join();
        DisposeParts();
    }

    private void DisposeParts()
    {
        _log?.Dispose();
        _cache?.Dispose();
        _index?.Dispose();
        _device.Dispose();
        _coldLog?.Dispose();
        _coldDevice?.Dispose();
        _coldIndex?.Dispose();
        _stopCompaction.Dispose();
    }
}

/// <summary>The fixed key and value sizes a store was created for (0 = variable length), checked on every open.</summary>
internal readonly record struct RecordShape(int KeySize, int ValueSize)
{
    public static RecordShape Variable => new(0, 0);

    public static string Describe(int keySize, int valueSize) =>
        keySize == 0 && valueSize == 0 ? "variable-length keys and values" : $"{keySize}-byte keys and {valueSize}-byte values";

    public override string ToString() => Describe(KeySize, ValueSize);
}

/// <summary>
/// Operation counts kept per epoch slot, one cache line each, so counting costs no shared
/// atomic: a slot is owned by one thread while it is protected.
/// </summary>
internal sealed class OperationCounters
{
    public const int Reads = 0, Upserts = 1, Rmws = 2, Deletes = 3, ReadCacheHits = 4, Pending = 5;
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
