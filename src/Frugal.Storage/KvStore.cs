using System.IO.Hashing;
using Frugal.Core.Errors;
using Frugal.Core.IO;

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
    private const int FirstDeviceRead = 512;

    /// <summary>What <see cref="BadInputException.Setting"/> names when the data directory is at fault.</summary>
    public const string DirectorySetting = "directory";

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
    private readonly bool _readOnly;
    private readonly bool _checksums;
    private readonly long _storeId;

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

    /// <summary>
    /// Opens the store in <paramref name="options"/>'s directory, recovering its last checkpoint,
    /// or creates it there (a missing or empty directory, unless the options say otherwise).
    /// Recovery checks every file of the checkpoint before it changes anything.
    /// </summary>
    /// <exception cref="BadInputException">The directory holds no store (or something else), or a
    /// store of another format version or record shape; or an option is out of range.</exception>
    /// <exception cref="StorageCorruptException">A store file failed its checks; nothing was changed.</exception>
    /// <exception cref="StorageException">A file could not be opened as asked (permissions).</exception>
    public static KvStore Open(KvStoreOptions options) => new(options, RecordShape.Variable);

    internal KvStore(KvStoreOptions options, RecordShape shape) : this(options, shape, (path, readOnly) => new FileDevice(path, readOnly)) { }

    /// <param name="options">The options.</param>
    /// <param name="shape">The record sizes the directory must have been created for.</param>
    /// <param name="openDevice">Opens a log's device at a path, read-only or not (tests substitute a failing one).</param>
    internal KvStore(KvStoreOptions options, RecordShape shape, Func<string, bool, IStorageDevice> openDevice)
        : this(options, shape, openDevice, owner: null) { }

    /// <param name="options">The options.</param>
    /// <param name="shape">The record sizes.</param>
    /// <param name="openDevice">Opens a log's device at a path.</param>
    /// <param name="owner">
    /// Set for the cold index's chunk store: no cold tier, no compaction thread, and no
    /// checkpoint file of its own — its owner embeds its part in the owner's checkpoint, and
    /// repairs it (<see cref="Repair"/>) only once the whole checkpoint checked out.
    /// </param>
    private KvStore(KvStoreOptions options, RecordShape shape, Func<string, bool, IStorageDevice> openDevice, OwnerCheckpoint? owner)
    {
        _directory = Path.GetFullPath(options.Directory);
        _shape = shape;
        _options = options;
        _readOnly = options.ReadOnly;
        var meta = owner is null ? FindCheckpoint(_directory, options) : null;
        if (meta is not null && (meta.KeySize != shape.KeySize || meta.ValueSize != shape.ValueSize))
            throw new BadInputException(
                $"{Path.Combine(_directory, CheckpointMeta.FileName)}: the store holds {RecordShape.Describe(meta.KeySize, meta.ValueSize)}, but was opened for {shape} (incompatible)",
                DirectorySetting);
        var own = owner?.Log ?? meta?.Hot;
        var plan = MemoryPlan.From(own is null ? options : options with { PageSizeBits = own.PageBits, IndexBytes = own.IndexBuckets * HashIndex.BucketBytes });
        // The cold index's size is fixed at creation, like the hot index's: its chunk ids depend on it.
        if (meta is not null) plan = plan with { ColdIndexBuckets = meta.Chunks.IndexBuckets, ColdIndexPageBits = meta.Chunks.PageBits };
        Plan = plan;
        _storeId = meta?.StoreId ?? owner?.StoreId ?? NewStoreId();
        _checksums = meta?.Checksums ?? owner?.Checksums ?? options.Checksums;
        var creating = owner is null ? meta is null : owner.Log is null;
        if (creating) Directory.CreateDirectory(_directory);
        // Before any device is opened: opening one for writing would create a file the checkpoint says exists.
        else if (owner is null) CheckLogFiles();
        try
        {
            _device = OpenDevice(openDevice, Path.Combine(_directory, LogFileName));
            _index = new HashIndex(Plan.IndexBuckets);
            _log = new HybridLog(_epoch, _device, Plan.PageBits, Plan.LogFrames, options.MutableFraction, onEvict: null, _checksums);
            if (Plan.ReadCacheFrames > 0)
                _cache = new HybridLog(_epoch, device: null, Plan.PageBits, Plan.ReadCacheFrames, 1 - options.SecondChanceFraction, EvictFromReadCache);
            if (owner is null)
            {
                _coldDevice = OpenDevice(openDevice, Path.Combine(_directory, ColdLogFileName));
                // Append-only: HybridLog keeps one page mutable, but nothing ever updates a cold record in place.
                _coldLog = new HybridLog(_epoch, _coldDevice, Plan.PageBits, Plan.ColdLogFrames, mutableFraction: 0, onEvict: null, _checksums);
                var chunkOptions = ColdIndex.StoreOptions(Path.Combine(_directory, ColdIndexDirectory), Plan) with { ReadOnly = _readOnly };
                var chunkOwner = new OwnerCheckpoint(_storeId, meta?.Sequence ?? 0, _checksums, meta?.Chunks);
                _coldIndex = new ColdIndex(new KvStore(chunkOptions, ColdIndex.Shape, openDevice, chunkOwner));
            }
            if (creating) Recovery = Create(owner is not null);
            else
            {
                var sequence = owner?.Sequence ?? meta!.Sequence;
                var torn = Load(sequence, own!) + (meta is null ? 0 : LoadCold(meta));
                // Only now, with every file of the checkpoint checked: cut torn tails, remove what a crash left behind.
                if (owner is null && !_readOnly) Repair();
                Recovery = new RecoveryInfo(Created: false, sequence, own!.TailAddress, torn);
            }
        }
        catch
        {
            DisposeParts();
            throw;
        }
        if (owner is not null || _readOnly) return;
        _coldTrigger = Plan.ColdLogBudget;
        // A thread of its own: rounds block on device reads, which must not hold up the pool.
        _compactor = new Thread(CompactionLoop) { IsBackground = true, Name = "frugal-compaction" };
        _compactor.Start();
    }

    /// <summary>How the memory budget was split.</summary>
    public MemoryPlan Plan { get; }

    /// <summary>What opening the store found: a new store, or the checkpoint it recovered and the torn tail it dropped.</summary>
    public RecoveryInfo Recovery { get; }

    /// <summary>What the owner of the cold index's chunk store hands it: the store's identity and checkpoint, and the chunk log's part (null when creating).</summary>
    private sealed record OwnerCheckpoint(long StoreId, long Sequence, bool Checksums, LogCheckpoint? Log);

    /// <summary>
    /// The directory's checkpoint, or null where a store is to be created (a missing or empty
    /// directory, if the options allow). Writes nothing.
    /// </summary>
    private static CheckpointMeta? FindCheckpoint(string directory, KvStoreOptions options)
    {
        var creatable = options.CreateIfMissing && !options.ReadOnly;
        if (File.Exists(directory)) throw new BadInputException($"{directory}: a file, not a store's directory", DirectorySetting);
        if (!Directory.Exists(directory))
            return creatable ? null : throw new BadInputException($"{directory}: no store here: the directory does not exist", DirectorySetting);
        var metaPath = Path.Combine(directory, CheckpointMeta.FileName);
        if (File.Exists(metaPath)) return CheckpointMeta.Read(metaPath);
        if (Directory.EnumerateFileSystemEntries(directory).Any())
            throw new BadInputException(
                $"{metaPath}: missing, but {directory} is not empty: not a Frugal store (or its creation was interrupted); refusing to overwrite it",
                DirectorySetting);
        return creatable ? null : throw new BadInputException($"{directory}: no store here: the directory is empty", DirectorySetting);
    }

    private static long NewStoreId()
    {
        long id;
        do id = BitConverter.ToInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(sizeof(long))); while (id == 0);
        return id;
    }

    /// <summary>Every log the checkpoint refers to exists and is a regular file (a FIFO or a device would block or never end).</summary>
    private void CheckLogFiles()
    {
        foreach (var path in new[] { LogFileName, ColdLogFileName, Path.Combine(ColdIndexDirectory, LogFileName) }.Select(f => Path.Combine(_directory, f)))
        {
            if (!File.Exists(path)) throw new StorageCorruptException(path, "missing; the checkpoint refers to it");
            InputFile.Check(path, "store log", long.MaxValue);
        }
    }

    private IStorageDevice OpenDevice(Func<string, bool, IStorageDevice> open, string path)
    {
        try
        {
            return open(path, _readOnly);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StorageException(_readOnly
                ? $"{path}: permission denied: the store's files cannot be read"
                : $"{path}: permission denied: the store cannot be opened for writing (a read-only open can still read it)", e);
        }
    }

    private RecoveryInfo Create(bool owned)
    {
        LogFileHeader.Write(_device, Plan.PageBits, _storeId);
        _versionBits = Record.VersionBits(0);
        // The chunk store's snapshot is written with its owner's checkpoint.
        if (owned) return new RecoveryInfo(Created: true, 0, _log.TailAddress, 0);
        LogFileHeader.Write(_coldDevice!, Plan.PageBits, _storeId);
        Snapshot(_log.TailAddress, sequence: 0, out _).Write(Path.Combine(_directory, CheckpointMeta.FileName));
        return new RecoveryInfo(Created: true, 0, _log.TailAddress, 0);
    }

    /// <summary>Checks this store's log and index snapshot against the checkpoint and loads them; reads only. Returns the bytes past the log's checkpointed tail.</summary>
    private long Load(long sequence, LogCheckpoint part)
    {
        var torn = LoadLog(_log, _device, part);
        IndexSnapshot.Load(IndexPath(sequence), _storeId, sequence, part, _index);
        _checkpointSequence = sequence;
        _versionBits = Record.VersionBits(sequence);
        return torn;
    }

    /// <summary>The cold tier's part of <see cref="Load"/>: the cold log (the chunk store loaded its own part when it was opened).</summary>
    private long LoadCold(CheckpointMeta meta) => LoadLog(_coldLog!, _coldDevice!, meta.Cold) + _coldIndex!.Store.Recovery.TruncatedBytes;

    /// <summary>Validates a log file against its part of the checkpoint and loads its tail page; reads only. Returns the bytes past the checkpoint's tail.</summary>
    private long LoadLog(HybridLog log, IStorageDevice device, LogCheckpoint part)
    {
        LogFileHeader.Validate(device, part.PageBits, _storeId);
        var length = device.Length;
        if (length < part.TailAddress)
            throw new StorageCorruptException(device.Name, $"{length} bytes, shorter than the {part.TailAddress} bytes its checkpoint covers (corrupt or truncated)");
        log.Recover(part.BeginAddress, part.TailAddress);
        return length - part.TailAddress;
    }

    /// <summary>
    /// After a recovery that checked out, in a writable store: cuts each log past the checkpoint's
    /// tail (written after it, or torn by the crash; never to be read as data), deletes index
    /// snapshots a crash left behind, and gives back the space below each Begin that a crash
    /// between a checkpoint and its cleanup left unreclaimed.
    /// </summary>
    private void Repair()
    {
        foreach (var (log, device) in new[] { (_log, _device), (_coldLog, _coldDevice) })
            if (log is not null && device!.Length > log.TailAddress) device.Truncate(log.TailAddress);
        foreach (var stale in Directory.EnumerateFiles(_directory, "index.*.dat").Where(f => f != IndexPath(_checkpointSequence)).ToList()) File.Delete(stale);
        Reclaim(counted: false);
        _coldIndex?.Store.Repair();
    }

    private string IndexPath(long sequence) => Path.Combine(_directory, $"index.{sequence}.dat");

    private static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key);

    /// <summary>The longest value a record with a key of <paramref name="keyLength"/> bytes can hold: a record must fit one page.</summary>
    public int MaxValueLength(int keyLength) => (int)Math.Max(0, _log.PageSize - Record.HeaderSize - keyLength);

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
        if (Volatile.Read(ref _compactionFault) is { } fault) throw CompactionFailed(fault);
        return _epoch.Protect();
    }

    /// <summary>What every operation throws once compaction failed: damage it found stays a corruption, anything else a failure.</summary>
    private Exception CompactionFailed(Exception fault) => fault is StorageCorruptException corrupt
        ? new StorageCorruptException(corrupt.FilePath, $"{corrupt.Problem}, found by background compaction", corrupt.Address, corrupt)
        : new StorageException($"{_directory}: background compaction failed: {fault.Message}", fault);

    /// <summary>Writes are refused in a store opened read-only: nothing may change its files.</summary>
    private void ThrowIfReadOnly()
    {
        if (_readOnly) throw new InvalidOperationException($"{_directory}: the store was opened read-only.");
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
        _device?.Dispose();
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
