using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Frugal.Storage;
using Frugal.Workloads.Ycsb;
using Tsavorite.core;

namespace Frugal.Bench.Targets;

using TsavoriteAllocator = SpanByteAllocator<StoreFunctions<SpanByteComparer, SpanByteRecordTriggers>>;
using TsavoriteFunctions = StoreFunctions<SpanByteComparer, SpanByteRecordTriggers>;

/// <summary>
/// Tsavorite's sizes under one budget, by FASTER's rule (<see cref="FasterConfig"/>: an index of budget/2, log
/// memory of the rest, or log and read cache a quarter each), in the bytes Tsavorite's settings take. Tsavorite
/// refuses pages under 4 KiB and logs of fewer than two pages, so a budget too small for that (a few KiB, tests
/// only) gets that much.
/// </summary>
internal sealed record TsavoriteConfig(long IndexBytes, long LogMemoryBytes, long PageBytes, long? ReadCacheBytes)
{
    /// <summary>Tsavorite's smallest page (LogSettings.kMinPageSizeBits).</summary>
    public const int MinPageBits = 12;

    public static TsavoriteConfig For(StoreBudget budget, bool readCache)
    {
        var faster = FasterConfig.For(budget, readCache);
        var memoryBits = Math.Max(MinPageBits + 1, faster.MemoryBits);
        var pageBits = Math.Clamp(faster.PageBits, MinPageBits, memoryBits - 1);
        return new TsavoriteConfig(faster.Buckets * TsavoriteTarget.BucketBytes, 1L << memoryBits, 1L << pageBits,
            faster.ReadCacheMemoryBits is { } cacheBits ? 1L << Math.Max(MinPageBits + 1, cacheBits) : null);
    }

    /// <summary>The store's settings on <paramref name="device"/>.</summary>
    public KVSettings Settings(IDevice device) => new()
    {
        IndexSize = IndexBytes,
        LogDevice = device,
        LogMemorySize = LogMemoryBytes,
        PageSize = PageBytes,
        SegmentSize = 1L << FasterConfig.SegmentBits,
        MutableFraction = FasterConfig.MutableFraction,
        ReadCacheEnabled = ReadCacheBytes is not null,
        ReadCacheMemorySize = ReadCacheBytes ?? 0,
        ReadCachePageSize = Math.Min(PageBytes, (ReadCacheBytes ?? PageBytes) / 2),
        ReadCacheSecondChanceFraction = FasterConfig.SecondChanceFraction,
    };
}

/// <summary>
/// Tsavorite, the storage engine inside Microsoft.Garnet 2.2.12 (FASTER's maintained successor), as a YCSB target
/// sized by <see cref="TsavoriteConfig"/> and driven as its own benchmark (libs/storage/Tsavorite/cs/benchmark/
/// KV.benchmark) drives it: one basic context per worker, operations issued without waiting for those that go
/// pending, <c>CompletePending(false)</c> before every batch of <see cref="CompletePendingEvery"/> operations, and
/// <c>CompletePending(true)</c> only when the session ends; keys hashed by <see cref="SpanByteComparer"/> as there.
/// Values are inline bytes in Tsavorite's span-byte allocator. The log lives on Tsavorite's managed random-access
/// device (its own fallback where the native one cannot load: the native Linux device needs glibc 2.38, newer than
/// this machine's 2.36), through the page cache or around it (O_DIRECT) as the regime asks. Reads are counted by
/// outcome when they complete.
/// </summary>
internal sealed class TsavoriteTarget : ICountedTarget
{
    /// <summary>KV.benchmark's default batch depth (--batch-size).</summary>
    public const int CompletePendingEvery = 1024;

    /// <summary>Tsavorite's hash bucket: a cache line.</summary>
    public const int BucketBytes = 64;

    private readonly IDevice _device;
    private readonly TsavoriteKV<TsavoriteFunctions, TsavoriteAllocator> _store;
    private readonly ReadTally _tally = new();
    private readonly int _valueBytes;

    public TsavoriteTarget(
        string directory, StoreBudget budget, bool readCache, int valueBytes, IoMode io = IoMode.Buffered)
    {
        _valueBytes = valueBytes;
        // Buffered: reads and writes through the page cache, as every store in that regime (its writes stay
        // write-through, as Tsavorite opens them). Direct: the device's own default on Linux, its files opened with
        // O_DIRECT through libc open(2) (Tsavorite's LinuxFileExtensions), as .NET's FileOptions cannot ask for it.
        var direct = io == IoMode.Direct;
        _device = new RandomAccessLocalStorageDevice(
            Path.Combine(directory, "hlog.log"), deleteOnClose: true, disableFileBuffering: direct,
            osReadBuffering: !direct);
        var settings = TsavoriteConfig.For(budget, readCache).Settings(_device);
        _store = new TsavoriteKV<TsavoriteFunctions, TsavoriteAllocator>(
            settings, StoreFunctions.Create(SpanByteComparer.Instance, SpanByteRecordTriggers.Instance),
            (allocatorSettings, functions) => new TsavoriteAllocator(allocatorSettings, functions));
    }

    public ReadCounts Reads => _tally.Counts;

    public (long Read, long Written)? DeviceBytes => null;

    /// <summary>A session for the calling thread, which must be the only one to use and dispose it.</summary>
    public IKvSession NewSession() => new Session(_store, _valueBytes, _tally);

    public void Dispose()
    {
        _store.Dispose();
        _device.Dispose();
    }

    /// <summary>An 8-byte key, hashed and compared by its bytes (as KV.benchmark's key).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Key(long value) : IKey
    {
        public long Value = value;

        public readonly bool IsPinned => false;

        public readonly bool IsEmpty => false;

        // The bytes of this copy of the key, which Tsavorite reads while the copy lives (KV.benchmark's key does the
        // same).
        public unsafe ReadOnlySpan<byte> KeyBytes => new(Unsafe.AsPointer(ref Value), sizeof(long));

        public readonly bool HasNamespace => false;

        public readonly ReadOnlySpan<byte> NamespaceBytes => [];
    }

    /// <summary>
    /// Plain copies for upserts (values have one size); read-modify-write adds 1 to the value's first word, starting
    /// from the input; counts reads that complete after going pending.
    /// </summary>
    private sealed class Functions : SpanByteFunctions<Empty>
    {
        public long Found, Missing;

        public override bool InPlaceWriter(
            ref LogRecord logRecord, ref PinnedSpanByte input, ReadOnlySpan<byte> srcValue,
            ref SpanByteAndMemory output, ref UpsertInfo upsertInfo)
        {
            srcValue.CopyTo(logRecord.ValueSpan);
            return true;
        }

        public override bool InitialWriter(
            ref LogRecord dstLogRecord, in RecordSizeInfo sizeInfo, ref PinnedSpanByte input,
            ReadOnlySpan<byte> srcValue, ref SpanByteAndMemory output, ref UpsertInfo upsertInfo)
        {
            srcValue.CopyTo(dstLogRecord.ValueSpan);
            return true;
        }

        public override bool InitialUpdater(
            ref LogRecord dstLogRecord, in RecordSizeInfo sizeInfo, ref PinnedSpanByte input,
            ref SpanByteAndMemory output, ref RMWInfo rmwInfo)
        {
            input.ReadOnlySpan.CopyTo(dstLogRecord.ValueSpan);
            return true;
        }

        public override bool InPlaceUpdater(
            ref LogRecord logRecord, ref PinnedSpanByte input, ref SpanByteAndMemory output, ref RMWInfo rmwInfo)
        {
            Increment(logRecord.ValueSpan);
            return true;
        }

        public override bool CopyUpdater<TSourceLogRecord>(
            in TSourceLogRecord srcLogRecord, ref LogRecord dstLogRecord, in RecordSizeInfo sizeInfo,
            ref PinnedSpanByte input, ref SpanByteAndMemory output, ref RMWInfo rmwInfo)
        {
            srcLogRecord.ValueSpan.CopyTo(dstLogRecord.ValueSpan);
            Increment(dstLogRecord.ValueSpan);
            return true;
        }

        public override void ReadCompletionCallback(
            ref DiskLogRecord diskLogRecord, ref PinnedSpanByte input, ref SpanByteAndMemory output, Empty ctx,
            Status status, RecordMetadata recordMetadata)
        {
            if (status.Found) Found++;
            else Missing++;
        }

        private static void Increment(Span<byte> value) =>
            MemoryMarshal.Write(value, MemoryMarshal.Read<long>(value) + 1);
    }

    private sealed class Session : IKvSession
    {
        private readonly ClientSession<Key, PinnedSpanByte, SpanByteAndMemory, Empty, Functions, TsavoriteFunctions,
            TsavoriteAllocator> _session;
        private readonly BasicContext<Key, PinnedSpanByte, SpanByteAndMemory, Empty, Functions, TsavoriteFunctions,
            TsavoriteAllocator> _context;
        private readonly Functions _functions = new();
        private readonly ReadTally _tally;
        // Pinned for the session: pending reads copy their value into the output buffer when they complete, and
        // read-modify-writes hand Tsavorite their input by address.
        private readonly byte[] _output, _input;
        private long _operations, _reads, _pending;

        public Session(TsavoriteKV<TsavoriteFunctions, TsavoriteAllocator> store, int valueBytes, ReadTally tally)
        {
            _session = store.NewSession<Key, PinnedSpanByte, SpanByteAndMemory, Empty, Functions>(_functions);
            _context = _session.BasicContext;
            _tally = tally;
            _output = GC.AllocateArray<byte>(valueBytes, pinned: true);
            _input = GC.AllocateArray<byte>(valueBytes, pinned: true);
        }

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            Pace();
            _context.Upsert(new Key(key), value, Empty.Default);
        }

        /// <returns>
        /// Whether the key was found; false also for a read left in flight (counted when it completes).
        /// </returns>
        public bool Read(long key, Memory<byte> value)
        {
            Pace();
            PinnedSpanByte input = default;
            var output = SpanByteAndMemory.FromPinnedSpan(_output);
            var status = _context.Read(new Key(key), ref input, ref output, Empty.Default);
            _reads++;
            if (status.IsPending)
            {
                _pending++;
                return false;
            }
            if (!status.Found)
            {
                _functions.Missing++;
                return false;
            }
            _functions.Found++;
            _output.AsSpan(0, Math.Min(_output.Length, value.Length)).CopyTo(value.Span);
            return true;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            Pace();
            initial.Span.CopyTo(_input);
            var input = PinnedSpanByte.FromPinnedSpan(_input);
            _context.RMW(new Key(key), ref input, Empty.Default);
        }

        /// <summary>As KV.benchmark: before each batch of operations, complete whatever finished.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Pace()
        {
            if (_operations++ % CompletePendingEvery == 0) _context.CompletePending(wait: false);
        }

        public void Dispose()
        {
            _context.CompletePending(wait: true);
            _tally.Add(new ReadCounts(_reads, _functions.Found, _functions.Missing, _pending));
            _session.Dispose();
        }
    }
}
