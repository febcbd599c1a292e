using Frugal.Workloads.Ycsb;
using RocksDbSharp;

namespace Frugal.Bench.Targets;

/// <summary>
/// RocksDB 11.12 as a YCSB target: LRU block cache of budget/2 (index and filter blocks
/// inside it, bloom 10 bits/key, 4 KiB blocks, no compression) and two memtables of budget/4;
/// the write-ahead log off, as FASTER has none. Read-modify-write is a get and a put. The
/// load is followed by a full compaction (not counted in the load's throughput).
/// </summary>
public sealed class RocksDbTarget : IKvTarget
{
    private readonly RocksDb _db;
    private readonly WriteOptions _write = new WriteOptions().DisableWal(1);

    public RocksDbTarget(string directory, StoreBudget budget)
    {
        var table = new BlockBasedTableOptions()
            .SetBlockCache(Cache.CreateLru((ulong)budget.Half))
            .SetCacheIndexAndFilterBlocks(true)
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetBlockSize(4096);
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(2)
            .SetCompression(Compression.No)
            .SetWriteBufferSize((ulong)budget.Quarter)
            .SetMaxWriteBufferNumber(2)
            .SetBlockBasedTableFactory(table);
        _db = RocksDb.Open(options, directory);
    }

    public (long Read, long Written)? DeviceBytes => null;

    public IKvSession NewSession() => new Session(_db, _write);

    /// <summary>Compacts the whole key range, so the runs do not pay for compaction the load left behind (as the design brief advises).</summary>
    public void AfterLoad() => _db.CompactRange(default(byte[]), default(byte[]));

    public void Dispose() => _db.Dispose();

    private sealed class Session(RocksDb db, WriteOptions write) : IKvSession
    {
        private readonly byte[] _key = new byte[8];
        private readonly byte[] _value = new byte[4096];

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            db.Put(_key, value.ToArray(), writeOptions: write);
        }

        public bool Read(long key, Memory<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            var length = db.Get(_key, _value, 0, _value.Length);
            if (length < 0) return false;
            _value.AsSpan(0, (int)Math.Min(length, value.Length)).CopyTo(value.Span);
            return true;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            var current = new byte[initial.Length];
            if (!Read(key, current)) initial.Span.CopyTo(current);
            BitConverter.TryWriteBytes(current, BitConverter.ToInt64(current) + 1);
            db.Put(_key, current, writeOptions: write);
        }

        public void Dispose() { }
    }
}
