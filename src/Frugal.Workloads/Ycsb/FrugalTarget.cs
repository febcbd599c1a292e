using Frugal.Storage;

namespace Frugal.Workloads.Ycsb;

/// <summary>
/// Our store as a YCSB target, through its public API: 8-byte keys, values of a fixed length as byte spans.
/// </summary>
public sealed class FrugalTarget(KvStore store) : IKvTarget
{
    /// <summary>The store the target drives (its statistics, for the experiment).</summary>
    public KvStore Store => store;

    /// <inheritdoc/>
    public IKvSession NewSession() => new Session(store);

    /// <inheritdoc/>
    public (long Read, long Written)? DeviceBytes
    {
        get
        {
            var stats = store.Stats();
            return (stats.BytesRead, stats.BytesWritten);
        }
    }

    /// <inheritdoc/>
    public long? CompactionRounds
    {
        get
        {
            var stats = store.Stats();
            return stats.HotToColdCompactions + stats.ColdToColdCompactions + stats.ColdIndexCompactions;
        }
    }

    /// <summary>Disposes the store the target drives.</summary>
    public void Dispose() => store.Dispose();

    /// <summary>A worker's handle: it waits for its own disk reads (the store needs no draining by hand).</summary>
    private sealed class Session(KvStore store) : IKvSession
    {
        private readonly byte[] _key = new byte[8];

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            store.Upsert(_key, value);
        }

        public bool Read(long key, Memory<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            var read = store.ReadAsync(_key, value);
            return (read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult()).Found;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            BitConverter.TryWriteBytes(_key, key);
            var update = store.RmwAsync(_key, initial, new IncrementFirstWord());
            if (!update.IsCompletedSuccessfully) update.AsTask().GetAwaiter().GetResult();
        }

        public void Dispose() { }
    }
}

/// <summary>
/// The benchmark's read-modify-write: add 1 to the value's first 8 bytes; an absent key starts from the input.
/// </summary>
internal readonly struct IncrementFirstWord : IRmwFunction
{
    public int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists) =>
        exists ? current.Length : input.Length;

    public void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result)
    {
        (exists ? current : input).CopyTo(result);
        BitConverter.TryWriteBytes(result, BitConverter.ToInt64(result) + 1);
    }
}
