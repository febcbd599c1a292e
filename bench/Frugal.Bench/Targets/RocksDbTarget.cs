using Frugal.Storage;
using Frugal.Workloads.Ycsb;
using RocksDbSharp;

namespace Frugal.Bench.Targets;

/// <summary>
/// RocksDB's sizes under one budget: an LRU block cache of budget/2 (the share the hash stores give
/// their index), index and filter blocks inside it so the budget bounds them too, and two memtables
/// of budget/4 each. Index and filters are partitioned in blocks of <see cref="MetadataBlockBytes"/>:
/// a whole SST's filter (about 0.7 MB at 10 bits per key) is larger than one shard of a small block
/// cache, so unpartitioned it is evicted as soon as it is read and every lookup reads it again.
/// </summary>
internal sealed record RocksDbConfig(long BlockCacheBytes, long WriteBufferBytes, int WriteBuffers)
{
    public const int BloomBitsPerKey = 10;
    public const int BlockBytes = 4096;
    public const int MetadataBlockBytes = 4096;
    public const double DataBlockHashRatio = 0.75;
    public const double MemtableBloomRatio = 0.02;

    public static RocksDbConfig For(StoreBudget budget) => new(budget.Half, budget.Quarter, WriteBuffers: 2);
}

/// <summary>
/// RocksDB 11.12 as a YCSB target with its documented point-lookup tuning (what
/// <c>Options::OptimizeForPointLookup</c> sets, by hand so the cache stays the budget's): full bloom
/// filters of 10 bits per key on whole keys, a hash index inside data blocks, a bloom filter on the
/// memtable, index and filter blocks in the block cache with level 0's pinned, partitioned
/// (two-level index, partitioned filters, top level pinned, at high priority: RocksDB's advice for a
/// cache smaller than the filters; see <see cref="RocksDbConfig"/>), no filters on the
/// last level (every lookup of these workloads finds its key: <c>optimize_filters_for_hits</c>);
/// 4 KiB blocks, no compression; the write-ahead log off, as FASTER has none. Sizes from
/// <see cref="RocksDbConfig"/>. Read-modify-write is a get and a put. The load is followed by a
/// full compaction (not counted in the load's throughput). Under <see cref="IoMode.Direct"/> it reads its tables
/// with O_DIRECT (<c>use_direct_reads</c>) and writes them so when flushing and compacting
/// (<c>use_direct_io_for_flush_and_compaction</c>): its documented way to bypass the page cache, the block cache
/// then being its only cache.
/// </summary>
internal sealed class RocksDbTarget : IKvTarget
{
    /// <summary>rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash (the binding has no enum for it).</summary>
    private const int DataBlockBinaryAndHash = 1;

    private readonly RocksDb _db;
    private readonly WriteOptions _write = new WriteOptions().DisableWal(1);

    public RocksDbTarget(string directory, StoreBudget budget, IoMode io = IoMode.Buffered)
    {
        var config = RocksDbConfig.For(budget);
        var table = new BlockBasedTableOptions()
            .SetBlockCache(Cache.CreateLru((ulong)config.BlockCacheBytes))
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetFilterPolicy(BloomFilterPolicy.Create(RocksDbConfig.BloomBitsPerKey, false))
            .SetWholeKeyFiltering(true)
            .SetBlockSize(RocksDbConfig.BlockBytes)
            .SetIndexType(BlockBasedTableIndexType.TwoLevelIndex);
        Native.Instance.rocksdb_block_based_options_set_partition_filters(table.Handle, 1);
        Native.Instance.rocksdb_block_based_options_set_metadata_block_size(
            table.Handle, (ulong)RocksDbConfig.MetadataBlockBytes);
        Native.Instance.rocksdb_block_based_options_set_pin_top_level_index_and_filter(table.Handle, 1);
        Native.Instance.rocksdb_block_based_options_set_cache_index_and_filter_blocks_with_high_priority(
            table.Handle, 1);
        Native.Instance.rocksdb_block_based_options_set_data_block_index_type(table.Handle, DataBlockBinaryAndHash);
        Native.Instance.rocksdb_block_based_options_set_data_block_hash_ratio(
            table.Handle, RocksDbConfig.DataBlockHashRatio);
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(2)
            .SetCompression(Compression.No)
            .SetWriteBufferSize((ulong)config.WriteBufferBytes)
            .SetMaxWriteBufferNumber(config.WriteBuffers)
            .SetMemtablePrefixBloomSizeRatio(RocksDbConfig.MemtableBloomRatio)
            .SetOptimizeFiltersForHits(1)
            .SetBlockBasedTableFactory(table)
            .SetUseDirectReads(io == IoMode.Direct)
            .SetUseDirectIoForFlushAndCompaction(io == IoMode.Direct);
        Native.Instance.rocksdb_options_set_memtable_whole_key_filtering(options.Handle, 1);
        _db = RocksDb.Open(options, directory);
    }

    public (long Read, long Written)? DeviceBytes => null;

    public IKvSession NewSession() => new Session(_db, _write);

    /// <summary>
    /// Compacts the whole key range, so the runs do not pay for compaction the load left behind (as the design brief
    /// advises).
    /// </summary>
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
