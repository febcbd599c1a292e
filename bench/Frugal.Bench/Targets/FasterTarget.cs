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
/// Microsoft.FASTER.Core 2.6.5 as a YCSB target: index of budget/2 (2^k buckets of 64 B), log
/// memory of the rest (mutable fraction 0.9), or with a read cache: log and read cache a quarter
/// each (second-chance fraction 0.1). A session per worker; pending operations completed at once.
/// </summary>
public sealed class FasterTarget : IKvTarget
{
    private readonly IDevice _device;
    private readonly FasterKV<long, FasterValue> _store;
    private readonly SimpleFunctions<long, FasterValue> _functions = new((input, current) => { current.First++; return current; });

    public FasterTarget(string directory, StoreBudget budget, bool readCache, int valueBytes)
    {
        if (valueBytes != FasterValue.Bytes) throw new ArgumentException($"the FASTER peer is built for {FasterValue.Bytes}-byte values; --value-bytes {valueBytes} is not supported for it.");
        _device = Devices.CreateLogDevice(Path.Combine(directory, "hlog.log"), preallocateFile: false, deleteOnClose: true);
        var logBytes = readCache ? budget.Quarter : budget.Half;
        var memoryBits = StoreBudget.FloorLog2(logBytes);
        var pageBits = Math.Min(22, memoryBits - 2);
        var settings = new LogSettings
        {
            LogDevice = _device,
            PageSizeBits = pageBits,
            MemorySizeBits = memoryBits,
            SegmentSizeBits = 30,
            MutableFraction = 0.9,
            ReadCacheSettings = readCache ? new ReadCacheSettings { PageSizeBits = pageBits, MemorySizeBits = StoreBudget.FloorLog2(budget.Quarter), SecondChanceFraction = 0.1 } : null,
        };
        var buckets = 1L << StoreBudget.FloorLog2(budget.Half / 64);
        _store = new FasterKV<long, FasterValue>(buckets, settings);
    }

    public (long Read, long Written)? DeviceBytes => null;

    public IKvSession NewSession() => new Session(_store.For(_functions).NewSession<SimpleFunctions<long, FasterValue>>());

    public void Dispose()
    {
        _store.Dispose();
        _device.Dispose();
    }

    private sealed class Session(ClientSession<long, FasterValue, FasterValue, FasterValue, Empty, SimpleFunctions<long, FasterValue>> session) : IKvSession
    {
        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            var v = MemoryMarshal.Read<FasterValue>(value);
            session.Upsert(ref key, ref v);
        }

        public bool Read(long key, Memory<byte> value)
        {
            FasterValue input = default, output = default;
            var status = session.Read(ref key, ref input, ref output);
            if (status.IsPending)
            {
                session.CompletePendingWithOutputs(out var outputs, wait: true);
                using (outputs)
                {
                    outputs.Next();
                    status = outputs.Current.Status;
                    output = outputs.Current.Output;
                }
            }
            if (status.Found) MemoryMarshal.Write(value.Span, in output);
            return status.Found;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            var input = MemoryMarshal.Read<FasterValue>(initial.Span);
            if (session.RMW(ref key, ref input).IsPending) session.CompletePending(wait: true);
        }

        public void Dispose() => session.Dispose();
    }
}
