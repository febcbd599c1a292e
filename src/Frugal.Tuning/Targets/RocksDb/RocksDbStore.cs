using System.Diagnostics;
using System.Globalization;
using Frugal.Workloads.Ycsb;
using RocksDbSharp;

namespace Frugal.Tuning.Targets.RocksDb;

/// <summary>
/// An open RocksDB database as a YCSB target: 8-byte keys, puts through the write-ahead log (the default write
/// options: the WAL knobs are part of what is tuned), read-modify-write as a get and a put. A session allocates
/// nothing per operation, so the driver's garbage collections do not pause the measured runs.
/// </summary>
internal sealed class RocksDbStore : IKvTarget
{
    /// <summary>How long <see cref="Settle"/> waits for the background work at most before the runs go ahead.
    /// </summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(60);

    /// <summary>The writes of the load: no write-ahead log, since <see cref="Settle"/> flushes every loaded record
    /// into table files anyway (the files are the same; the load is shorter).</summary>
    private static readonly WriteOptions Unlogged = new WriteOptions().DisableWal(1);

    /// <summary>
    /// <see cref="Settle"/>'s manual compaction (which flushes the memtables first): its flush must not wait until it
    /// would not stall writes (RocksDB's default), which may never come. Under universal compaction, three level-0
    /// files over one older run stay below a compaction trigger of four, while one more file passes a slowdown trigger
    /// of four; and the manual compaction holds the automatic ones off. The random search's seed 4 hung there for
    /// good. No one writes while the database settles, so there are no writes to stall. Lives as long as the process.
    /// </summary>
    private static readonly IntPtr CompactAllowingStall = CompactOptionsAllowingStall();

    private readonly RocksDbSharp.RocksDb _db;
    private readonly DbOptions _options;

    private RocksDbStore(RocksDbSharp.RocksDb db, DbOptions options)
    {
        _db = db;
        _options = options;
    }

    /// <summary>
    /// Opens (or creates) the database in <paramref name="directory"/> with <paramref name="options"/>, which the store
    /// then owns: they are freed when it is disposed (<see cref="RocksDbOptions.Destroy"/>), or now if the open fails.
    /// </summary>
    /// <exception cref="RocksDbException">RocksDB refused to open it.</exception>
    public static RocksDbStore Open(DbOptions options, string directory)
    {
        try
        {
            return new RocksDbStore(RocksDbSharp.RocksDb.Open(options, directory), options);
        }
        catch (RocksDbException)
        {
            RocksDbOptions.Destroy(options);
            throw;
        }
    }

    /// <summary>The database.</summary>
    public RocksDbSharp.RocksDb Database => _db;

    /// <summary>
    /// Whether sessions write without the write-ahead log: only while loading, before <see cref="Settle"/>.
    /// </summary>
    public bool Loading { get; set; }

    public (long Read, long Written)? DeviceBytes => null;

    public IKvSession NewSession() => new Session(_db, Loading ? Unlogged : null);

    /// <summary>
    /// Brings the database to the same shape whatever the earlier writes' background jobs did and when: the memtables
    /// flushed, every file compacted into the bottom of the tree (a manual compaction, which waits), then no flush or
    /// compaction running or pending. Without this, the flushes and compactions of the load (or of the previous run)
    /// run on into the next run, and the tree a run reads depends on how far that work had got.
    /// </summary>
    /// <returns>Whether the background went quiet within the limit (a configuration that keeps compacting does
    /// not stop the trial: its runs then pay for it, as they would in production).</returns>
    public bool Settle(CancellationToken cancellation)
    {
        Native.Instance.rocksdb_compact_range_opt(_db.Handle, CompactAllowingStall, IntPtr.Zero, UIntPtr.Zero,
            IntPtr.Zero, UIntPtr.Zero);
        var watch = Stopwatch.StartNew();
        while (Busy())
        {
            if (watch.Elapsed > SettleLimit) return false;
            cancellation.ThrowIfCancellationRequested();
            Thread.Sleep(10);
        }
        return true;
    }

    private bool Busy() => Property("rocksdb.num-running-flushes") + Property("rocksdb.num-running-compactions")
        + Property("rocksdb.compaction-pending") > 0;

    private long Property(string name) =>
        long.TryParse(_db.GetProperty(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value : 0;

    public void Dispose()
    {
        _db.Dispose();
        RocksDbOptions.Destroy(_options);
    }

    private static IntPtr CompactOptionsAllowingStall()
    {
        var options = Native.Instance.rocksdb_compactoptions_create();
        Native.Instance.rocksdb_compactoptions_set_allow_write_stall(options, 1);
        return options;
    }

    /// <param name="db">The database.</param>
    /// <param name="writes">How puts are written (null: RocksDB's defaults, through the write-ahead log).</param>
    private sealed class Session(RocksDbSharp.RocksDb db, WriteOptions? writes) : IKvSession
    {
        private readonly byte[] _key = new byte[8];
        private byte[] _buffer = new byte[1024];
        private byte[] _modified = [];

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            db.Put(_key, value, writeOptions: writes);
        }

        public bool Read(long key, Memory<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            var length = db.Get(_key, _buffer, 0, _buffer.Length);
            if (length < 0) return false;
            if (length > _buffer.Length)
            {
                _buffer = new byte[length];
                length = db.Get(_key, _buffer, 0, _buffer.Length);
            }
            _buffer.AsSpan(0, (int)Math.Min(length, value.Length)).CopyTo(value.Span);
            return true;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            if (_modified.Length != initial.Length) _modified = new byte[initial.Length];
            if (!Read(key, _modified)) initial.Span.CopyTo(_modified);
            _modified[0]++;
            db.Put(_key, _modified, writeOptions: writes);
        }

        public void Dispose()
        {
        }
    }
}
