using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Storage;

/// <summary>
/// A concurrent, durable key-value store after F2, with variable-length byte keys and values
/// (<see cref="KvStore{TKey,TValue}"/> is the typed face for fixed-size ones). It composes two
/// tiers as FASTER's <c>f2.h</c> composes its hot and cold stores: a hot single-log store (hybrid
/// log, hash index, read cache) that takes every write, and a cold tier (an append-only log under
/// a two-level index) that compaction fills with what stopped being written. Every method is safe
/// to call from many threads at once. Reads and read-modify-writes complete synchronously when
/// the record is in memory and return a pending <see cref="ValueTask"/> that finishes its own disk
/// I/O otherwise; upserts and deletes never wait for the disk. Nothing after the last
/// <see cref="Checkpoint"/> survives a crash; nothing before it is lost. See docs/storage.md for
/// the design and the threading model.
/// </summary>
public sealed partial class KvStore : IDisposable
{
    internal const string LogFileName = "hlog.dat";

    /// <summary>What <see cref="BadInputException.Setting"/> names when the data directory is at fault.</summary>
    public const string DirectorySetting = "directory";

    /// <summary>What <see cref="BadInputException.Setting"/> names when the I/O mode is at fault.</summary>
    public const string IoSetting = "I/O mode";

    private readonly Epoch _epoch = new();
    private readonly LogStore _hot;
    private readonly ColdStore _cold;
    private readonly Lock _checkpointLock = new();
    private readonly string _directory;
    private readonly RecordShape _shape;
    private readonly KvStoreOptions _options;
    private readonly bool _readOnly;
    private readonly bool _checksums;
    private readonly long _storeId;
    private readonly Thread? _compactor;
    private readonly ManualResetEventSlim _stopCompaction = new();

    private long _checkpointSequence;
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

    internal KvStore(KvStoreOptions options, RecordShape shape)
        : this(options, shape, DeviceFor(options.Io)) { }

    /// <summary>How a log's device is opened in each I/O mode.</summary>
    private static Func<string, bool, IStorageDevice> DeviceFor(IoMode mode) => mode switch
    {
        IoMode.Direct when !OperatingSystem.IsLinux() =>
            throw new BadInputException("direct I/O is available on Linux only", IoSetting),
        IoMode.Direct => (path, readOnly) => new DirectDevice(path, readOnly),
        _ => (path, readOnly) => new FileDevice(path, readOnly),
    };

    /// <param name="options">The options.</param>
    /// <param name="shape">The record sizes the directory must have been created for.</param>
    /// <param name="openDevice">Opens a log's device at a path, read-only or not (tests substitute a failing
    /// one).</param>
    internal KvStore(KvStoreOptions options, RecordShape shape, Func<string, bool, IStorageDevice> openDevice)
    {
        _directory = Path.GetFullPath(options.Directory);
        _shape = shape;
        _options = options;
        _readOnly = options.ReadOnly;
        var meta = FindCheckpoint(_directory, options);
        if (meta is not null && (meta.KeySize != shape.KeySize || meta.ValueSize != shape.ValueSize))
            throw new BadInputException(
                $"{Path.Combine(_directory, CheckpointMeta.FileName)}: the store holds " +
                $"{RecordShape.Describe(meta.KeySize, meta.ValueSize)}, " +
                $"but was opened for {shape} (incompatible)",
                DirectorySetting);
        Plan = meta is null ? MemoryPlan.From(options) : MemoryPlan.From(options with
        {
            PageSizeBits = meta.Hot.PageBits,
            IndexBytes = meta.Hot.IndexBuckets * HashIndex.BucketBytes,
        }) with
        {
            // The cold index's size is fixed at creation, like the hot index's: its chunk ids depend on it.
            ColdIndexBuckets = meta.Chunks.IndexBuckets,
            ColdIndexPageBits = meta.Chunks.PageBits,
        };
        _storeId = meta?.StoreId ?? NewStoreId();
        _checksums = meta?.Checksums ?? options.Checksums;
        if (meta is null) Directory.CreateDirectory(Path.Combine(_directory, ColdStore.IndexDirectory));
        // Before any device is opened: opening one for writing would create a file the checkpoint says exists.
        else CheckLogFiles();
        IStorageDevice Open(string path) => OpenDevice(openDevice, path);
        try
        {
            _hot = new LogStore(HotLayout(_directory, Plan, options), _epoch, Open, _storeId, _checksums);
            _cold = new ColdStore(_directory, Plan, _epoch, Open, _storeId, _checksums);
            Recovery = meta is null ? Create() : Recover(meta);
        }
        catch (UnauthorizedAccessException e)
        {
            _cold?.Dispose();
            _hot?.Dispose();
            throw PermissionDenied(e);
        }
        catch
        {
            _cold?.Dispose();
            _hot?.Dispose();
            throw;
        }
        if (_readOnly) return;
        // A thread of its own: rounds block on device reads, which must not hold up the pool.
        _compactor = new Thread(CompactionLoop) { IsBackground = true, Name = "frugal-compaction" };
        _compactor.Start();
    }

    /// <summary>How the memory budget was split.</summary>
    public MemoryPlan Plan { get; }

    /// <summary>
    /// What opening the store found: a new store, or the checkpoint it recovered and the bytes
    /// past it (torn or written after it) that it cut — or, opened read-only, ignored.
    /// </summary>
    public RecoveryInfo Recovery { get; }

    /// <summary>The hot tier's layout: the plan's index, pages and read cache, in the store's own folder.</summary>
    private static LogStoreLayout HotLayout(string directory, MemoryPlan plan, KvStoreOptions options) =>
        new(directory, plan.IndexBuckets, plan.PageBits, plan.LogFrames, options.MutableFraction, plan.ReadCacheFrames,
            options.SecondChanceFraction);

    /// <summary>
    /// The directory's checkpoint, or null where a store is to be created (a missing or empty
    /// directory, if the options allow). Writes nothing.
    /// </summary>
    private static CheckpointMeta? FindCheckpoint(string directory, KvStoreOptions options)
    {
        var creatable = options.CreateIfMissing && !options.ReadOnly;
        if (File.Exists(directory))
            throw new BadInputException($"{directory}: a file, not a store's directory", DirectorySetting);
        if (!Directory.Exists(directory))
            return creatable
                ? null
                : throw new BadInputException($"{directory}: no store here: the directory does not exist",
                    DirectorySetting);
        var metaPath = Path.Combine(directory, CheckpointMeta.FileName);
        if (File.Exists(metaPath)) return CheckpointMeta.Read(metaPath);
        if (Directory.EnumerateFileSystemEntries(directory).Any())
            throw new BadInputException(
                $"{metaPath}: missing, but {directory} is not empty: not a Frugal store " +
                "(or its creation was interrupted); " +
                "refusing to overwrite it",
                DirectorySetting);
        return creatable
            ? null
            : throw new BadInputException($"{directory}: no store here: the directory is empty", DirectorySetting);
    }

    private static long NewStoreId()
    {
        long id;
        do id = BitConverter.ToInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(sizeof(long)));
        while (id == 0);
        return id;
    }

    /// <summary>
    /// Every log the checkpoint refers to exists and is a regular file (a FIFO or a device would block or never end).
    /// </summary>
    private void CheckLogFiles()
    {
        string[] logs = [LogFileName, ColdStore.LogFileName, Path.Combine(ColdStore.IndexDirectory, LogFileName)];
        foreach (var path in logs.Select(f => Path.Combine(_directory, f)))
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
                : $"{path}: permission denied: the store cannot be opened for writing " +
                  "(a read-only open can still read it)", e);
        }
    }

    /// <summary>
    /// The system refused a file the store must write (a read-only directory, say): one line that says so.
    /// </summary>
    private StorageException PermissionDenied(UnauthorizedAccessException e) =>
        new($"{_directory}: permission denied: the store cannot write its files here ({e.Message})", e);

    /// <summary>A new store: both tiers' log headers, then checkpoint 0, which makes the directory a store.</summary>
    private RecoveryInfo Create()
    {
        _hot.Create();
        _cold.Create();
        Snapshot(0, out _).Write(Path.Combine(_directory, CheckpointMeta.FileName));
        return new RecoveryInfo(Created: true, 0, _hot.Log.TailAddress, 0);
    }

    /// <summary>
    /// Loads both tiers from the checkpoint, checking every file (reads only); only then, with
    /// everything checked out and the store writable, cuts torn tails and removes what a crash
    /// left behind.
    /// </summary>
    private RecoveryInfo Recover(CheckpointMeta meta)
    {
        var torn = _hot.Load(meta.Hot, meta.Sequence) + _cold.Load(meta);
        _checkpointSequence = meta.Sequence;
        if (!_readOnly)
        {
            _hot.Repair();
            _cold.Repair();
        }
        return new RecoveryInfo(Created: false, meta.Sequence, meta.Hot.TailAddress, torn);
    }

    /// <summary>
    /// The longest value a record with a key of <paramref name="keyLength"/> bytes can hold: a record must fit one
    /// page.
    /// </summary>
    public int MaxValueLength(int keyLength) => _hot.MaxValueLength(keyLength);

    /// <summary>
    /// Checks, before every operation, that the store is open, that background compaction has not
    /// failed, and for a write, that the store was not opened read-only.
    /// </summary>
    private void CheckUsable(bool write)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _compactionFault) is { } fault) throw CompactionFailed(fault);
        if (write && _readOnly) throw new InvalidOperationException($"{_directory}: the store was opened read-only.");
    }

    /// <summary>
    /// What every operation throws once compaction failed: damage it found stays a corruption, anything else a failure.
    /// </summary>
    private Exception CompactionFailed(Exception fault) => fault is StorageCorruptException corrupt
        ? new StorageCorruptException(
            corrupt.FilePath, $"{corrupt.Problem}, found by background compaction", corrupt.Address, corrupt)
        : new StorageException($"{_directory}: background compaction failed: {fault.Message}", fault);

    /// <summary>A snapshot of the memory split, both tiers' log regions, compaction and I/O counters.</summary>
    public StoreStats Stats()
    {
        var c = _hot.Counters;
        var chunks = _cold.Index.Store;
        LogFile[] files = [_hot.File, _cold.File, chunks.File];
        return new StoreStats
        {
            Plan = Plan,
            IndexBuckets = _hot.Index.BucketCount,
            OverflowBuckets = _hot.Index.OverflowBuckets,
            IndexBytes = _hot.Index.MemoryBytes,
            BeginAddress = _hot.Log.BeginAddress,
            HeadAddress = _hot.Log.HeadAddress,
            ReadOnlyAddress = _hot.Log.ReadOnlyAddress,
            TailAddress = _hot.Log.TailAddress,
            FlushedUntilAddress = _hot.Log.FlushedUntilAddress,
            ReadCacheHeadAddress = _hot.Cache?.HeadAddress ?? 0,
            ReadCacheTailAddress = _hot.Cache?.TailAddress ?? 0,
            ColdBeginAddress = _cold.Log.BeginAddress,
            ColdHeadAddress = _cold.Log.HeadAddress,
            ColdTailAddress = _cold.Log.TailAddress,
            ColdIndexChunks = _cold.Index.ChunkCount,
            ColdIndexBytes = chunks.Index.MemoryBytes + chunks.Layout.LogMemoryBytes + chunks.Layout.ReadCacheBytes,
            ColdIndexLogBytes = chunks.Log.TailAddress - chunks.Log.BeginAddress,
            Reads = c[OperationCounters.Reads],
            Upserts = c[OperationCounters.Upserts],
            Rmws = c[OperationCounters.Rmws],
            Deletes = c[OperationCounters.Deletes],
            ReadCacheHits = c[OperationCounters.ReadCacheHits],
            PendingOperations = c[OperationCounters.Pending] + c[OperationCounters.Missing],
            ColdLookups = Interlocked.Read(ref _coldLookups),
            ColdIndexReads = _cold.LookupChunkReads,
            ColdLogReads = _cold.LookupRecordReads,
            HotToColdCompactions = Interlocked.Read(ref _hotCompactions),
            ColdToColdCompactions = _cold.Compactions,
            ColdIndexCompactions = chunks.SelfCompactions,
            CompactedBytes = files.Sum(f => f.ScannedBytes),
            MovedBytes = Interlocked.Read(ref _movedBytes) + _cold.MovedBytes,
            ReclaimedBytes = files.Sum(f => f.ReclaimedBytes),
            AutoCheckpoints = Interlocked.Read(ref _autoCheckpoints),
            ThrottleSleeps = Interlocked.Read(ref _throttleSleeps),
            DeviceReads = files.Sum(f => f.DeviceReads),
            BytesRead = files.Sum(f => f.BytesRead),
            BytesWritten = files.Sum(f => f.Log.BytesWritten),
            Io = _hot.File.Device is DirectDevice direct
                ? $"direct (O_DIRECT, {direct.Alignment}-byte alignment); asynchronous reads: {direct.AsyncReads}"
                : "buffered",
        };
    }

    /// <summary>
    /// Stops background compaction (a round in progress finishes first) and frees the store's memory and files.
    /// It takes no checkpoint: what was written since the last one is recovered from the log on the next open.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // A compaction round in progress finishes first: it must not read freed log memory.
        _stopCompaction.Set();
        _compactor?.Join();
        _hot.Dispose();
        _cold.Dispose();
        _stopCompaction.Dispose();
    }
}

/// <summary>
/// The fixed key and value sizes a store was created for (0 = variable length), checked on every open.
/// </summary>
internal readonly record struct RecordShape(int KeySize, int ValueSize)
{
    public static RecordShape Variable => new(0, 0);

    public static string Describe(int keySize, int valueSize) =>
        keySize == 0 && valueSize == 0
            ? "variable-length keys and values"
            : $"{keySize}-byte keys and {valueSize}-byte values";

    public override string ToString() => Describe(KeySize, ValueSize);
}
