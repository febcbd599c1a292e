namespace Frugal.Storage.Workloads;

/// <summary>Our store as a YCSB target: 8-byte keys, values of a fixed length as byte spans.</summary>
public sealed class FrugalTarget(KvStore store) : IKvTarget
{
    public KvStore Store => store;

    public IKvSession NewSession() => new Session(store);

    public (long Read, long Written)? DeviceBytes
    {
        get
        {
            var stats = store.Stats();
            return (stats.BytesRead, stats.BytesWritten);
        }
    }

    public long? CompactionRounds
    {
        get
        {
            var stats = store.Stats();
            return stats.HotToColdCompactions + stats.ColdToColdCompactions + stats.ColdIndexCompactions;
        }
    }

    public void Dispose() => store.Dispose();

    private sealed class Session(KvStore store) : IKvSession
    {
        private readonly byte[] _key = new byte[8];
        private byte[] _value = [];

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            store.Upsert(_key, value);
        }

        public bool Read(long key, Span<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            var status = store.TryRead(_key, value, out _, out var pending);
            if (status != OpStatus.Pending) return status == OpStatus.Done;
            // A worker thread waits for its own disk read; the store needs no draining by hand.
            if (_value.Length != value.Length) _value = new byte[value.Length];
            var read = store.ReadFromDeviceAsync(_key, _value, pending);
            var result = read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
            _value.CopyTo(value);
            return result.Found;
        }

        public void ReadModifyWrite(long key, ReadOnlySpan<byte> initial)
        {
            BitConverter.TryWriteBytes(_key, key);
            var merge = new IncrementFirstWord();
            if (store.TryRmw(_key, initial, ref merge, out var pending) != OpStatus.Pending) return;
            if (_value.Length != initial.Length) _value = new byte[initial.Length];
            initial.CopyTo(_value);
            var update = store.RmwFromDeviceAsync(_key, _value, merge, pending);
            if (!update.IsCompletedSuccessfully) update.AsTask().GetAwaiter().GetResult();
        }

        public void Dispose() { }
    }
}

/// <summary>The benchmark's read-modify-write: add 1 to the value's first 8 bytes; an absent key starts from the input.</summary>
public readonly struct IncrementFirstWord : IRmwFunction
{
    public int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists) => exists ? current.Length : input.Length;

    public void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result)
    {
        (exists ? current : input).CopyTo(result);
        BitConverter.TryWriteBytes(result, BitConverter.ToInt64(result) + 1);
    }
}
