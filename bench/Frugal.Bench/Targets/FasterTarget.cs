using System.Runtime.InteropServices;
using FASTER.core;
using Frugal.Workloads.Ycsb;

namespace Frugal.Bench.Targets;

/// <summary>The benchmark's 100-byte value for FASTER (blittable, so FASTER stores it inline in its log).</summary>
[StructLayout(LayoutKind.Sequential, Size = Bytes)]
public struct FasterValue
{
    public const int Bytes = 100;
    public long First;
}

/// <summary>
/// FASTER's sizes under one budget: an index of budget/2 (2^k buckets of 64 B); log memory of the
/// rest, or with a read cache log and read cache a quarter each. Sizes are powers of two (FASTER's
/// rule), rounded down so the store stays within the budget.
/// </summary>
internal sealed record FasterConfig(long Buckets, int MemoryBits, int PageBits, int? ReadCacheMemoryBits)
{
    public const double MutableFraction = 0.9;
    public const double SecondChanceFraction = 0.1;
    public const int SegmentBits = 30;

    public static FasterConfig For(StoreBudget budget, bool readCache)
    {
        var memoryBits = StoreBudget.FloorLog2(readCache ? budget.Quarter : budget.Half);
        // 4 MiB pages, as FASTER's benchmark; smaller where the log memory must hold at least four pages.
        var pageBits = Math.Min(22, memoryBits - 2);
        return new FasterConfig(
            1L << StoreBudget.FloorLog2(budget.Half / 64), memoryBits, pageBits,
            readCache ? StoreBudget.FloorLog2(budget.Quarter) : null);
    }
}

/// <summary>
/// Microsoft.FASTER.Core 2.6.5 as a YCSB target, sized by <see cref="FasterConfig"/> and driven as
/// FASTER's own YCSB benchmark (cs/benchmark/FasterYcsbBenchmark.cs) drives it: each worker holds
/// an unsafe context (its epoch protection held across operations), issues operations without
/// waiting for those that go pending, and every <see cref="CompletePendingEvery"/> operations
/// refreshes its epoch and completes whatever finished (<c>CompletePending(false)</c>); it waits for
/// the rest only when the session ends. So many reads are in flight per session, completed in
/// batches. Reads are counted by outcome when they complete (<see cref="Reads"/>).
/// </summary>
internal sealed class FasterTarget : ICountedTarget
{
    /// <summary>FASTER's benchmark refreshes and completes pending operations every 512 operations.</summary>
    public const int CompletePendingEvery = 512;

    private readonly IDevice _device;
    private readonly FasterKV<long, FasterValue> _store;
    private readonly ReadTally _tally = new();

    public FasterTarget(string directory, StoreBudget budget, bool readCache, int valueBytes)
    {
        if (valueBytes != FasterValue.Bytes)
            throw new ArgumentException(
                $"the FASTER peer is built for {FasterValue.Bytes}-byte values; {valueBytes}-byte values are not " +
                "supported for it.");
        var config = FasterConfig.For(budget, readCache);
        // Always buffered on Linux: the managed device asks for no buffering with FileOptions 0x20000000 (Windows'
        // FILE_FLAG_NO_BUFFERING), which .NET drops there, so its files open without O_DIRECT (O_SYNC only, for
        // write-through); 2.6.5 has no other device for Linux. Only a memory limit sends its reads to the disk.
        _device = Devices.CreateLogDevice(
            Path.Combine(directory, "hlog.log"), preallocateFile: false, deleteOnClose: true);
        var settings = new LogSettings
        {
            LogDevice = _device,
            PageSizeBits = config.PageBits,
            MemorySizeBits = config.MemoryBits,
            SegmentSizeBits = FasterConfig.SegmentBits,
            MutableFraction = FasterConfig.MutableFraction,
            ReadCacheSettings = config.ReadCacheMemoryBits is { } cacheBits
                ? new ReadCacheSettings
                {
                    PageSizeBits = config.PageBits, MemorySizeBits = cacheBits,
                    SecondChanceFraction = FasterConfig.SecondChanceFraction,
                }
                : null,
        };
        _store = new FasterKV<long, FasterValue>(config.Buckets, settings);
    }

    public ReadCounts Reads => _tally.Counts;

    public (long Read, long Written)? DeviceBytes => null;

    /// <summary>A session for the calling thread, which must be the only one to use and dispose it.</summary>
    public IKvSession NewSession()
    {
        var functions = new Functions();
        return new Session(_store.For(functions).NewSession<Functions>(), functions, _tally);
    }

    public void Dispose()
    {
        _store.Dispose();
        _device.Dispose();
    }

    /// <summary>
    /// Adds 1 to the value's first word on read-modify-write; counts reads that complete after going pending.
    /// </summary>
    private sealed class Functions() : SimpleFunctions<long, FasterValue, Empty>((_, current) =>
    {
        current.First++;
        return current;
    })
    {
        public long Found, Missing;

        public override void ReadCompletionCallback(
            ref long key, ref FasterValue input, ref FasterValue output, Empty context, Status status,
            RecordMetadata recordMetadata)
        {
            if (status.Found) Found++;
            else Missing++;
        }
    }

    private sealed class Session : IKvSession
    {
        private readonly ClientSession<long, FasterValue, FasterValue, FasterValue, Empty, Functions> _session;
        private readonly UnsafeContext<long, FasterValue, FasterValue, FasterValue, Empty, Functions> _context;
        private readonly Functions _functions;
        private readonly ReadTally _tally;
        private long _operations, _reads, _pending;

        public Session(
            ClientSession<long, FasterValue, FasterValue, FasterValue, Empty, Functions> session, Functions functions,
            ReadTally tally)
        {
            _session = session;
            _context = session.UnsafeContext;
            _functions = functions;
            _tally = tally;
            _context.BeginUnsafe();
        }

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            Pace();
            var v = MemoryMarshal.Read<FasterValue>(value);
            _context.Upsert(ref key, ref v);
        }

        /// <returns>
        /// Whether the key was found; false also for a read left in flight (counted when it completes).
        /// </returns>
        public bool Read(long key, Memory<byte> value)
        {
            Pace();
            FasterValue input = default, output = default;
            var status = _context.Read(ref key, ref input, ref output);
            _reads++;
            if (status.IsPending)
            {
                _pending++;
                return false;
            }
            if (status.Found)
            {
                _functions.Found++;
                MemoryMarshal.Write(value.Span, in output);
            }
            else _functions.Missing++;
            return status.Found;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            Pace();
            var input = MemoryMarshal.Read<FasterValue>(initial.Span);
            _context.RMW(ref key, ref input);
        }

        /// <summary>
        /// As FASTER's benchmark: every so many operations, refresh the epoch and complete what finished.
        /// </summary>
        private void Pace()
        {
            if (_operations++ % CompletePendingEvery != 0) return;
            _context.Refresh();
            _context.CompletePending(wait: false);
        }

        public void Dispose()
        {
            _context.CompletePending(wait: true);
            _context.EndUnsafe();
            _tally.Add(new ReadCounts(_reads, _functions.Found, _functions.Missing, _pending));
            _session.Dispose();
        }
    }
}
