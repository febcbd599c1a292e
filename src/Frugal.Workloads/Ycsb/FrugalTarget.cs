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
    public IKvSession NewSession() => new Session(this);

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

    /// <inheritdoc/>
    public long? ThrottleSleeps => store.Stats().ThrottleSleeps;

    /// <summary>
    /// Reads of every session disposed so far, counted after their completion: issued, found, not found, and how
    /// many of them were left in flight (they went to the device).
    /// </summary>
    public (long Reads, long Found, long Missing, long Pending) ReadTotals
    {
        get
        {
            lock (_totalsLock) return _totals;
        }
    }

    private readonly Lock _totalsLock = new();
    private (long Reads, long Found, long Missing, long Pending) _totals;

    private void Add(long reads, long found, long missing, long pending)
    {
        lock (_totalsLock)
            _totals = (_totals.Reads + reads, _totals.Found + found, _totals.Missing + missing,
                _totals.Pending + pending);
    }

    /// <summary>Disposes the store the target drives.</summary>
    public void Dispose() => store.Dispose();

    /// <summary>
    /// A worker's handle, driven as FASTER's own benchmark drives its sessions: operations that must read the device
    /// stay in flight in a <see cref="KvSession"/>, finished ones are collected every
    /// <see cref="CompletePendingEvery"/> operations, and all of them when the session ends. A read left in flight
    /// returns false and is counted (found or not) when it completes.
    /// </summary>
    private sealed class Session : IKvSession
    {
        private const int CompletePendingEvery = 128;

        // At most this many operations in flight: each holds a slot (its key and destination) until it completes.
        private const int Slots = 1024;

        private readonly KvSession _session;
        private readonly FrugalTarget _target;
        private readonly byte[] _keys = new byte[Slots * sizeof(long)];
        private readonly byte[] _upsertKey = new byte[sizeof(long)];
        private readonly Stack<int> _free = new(Enumerable.Range(0, Slots).Reverse());
        private byte[] _values = [];
        private int _valueBytes;
        private long _operations, _reads, _found, _missing, _pending;

        public Session(FrugalTarget target)
        {
            _target = target;
            _session = target.Store.NewSession();
        }

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            Pace();
            BitConverter.TryWriteBytes(_upsertKey, key);
            _target.Store.Upsert(_upsertKey, value);
        }

        public bool Read(long key, Memory<byte> value)
        {
            Pace();
            var slot = Take();
            var destination = Destination(slot, value.Length);
            _reads++;
            if (!_session.TryRead(Key(slot, key), destination, slot, out var result))
            {
                _pending++;
                return false;
            }
            _free.Push(slot);
            if (!result.Found)
            {
                _missing++;
                return false;
            }
            _found++;
            destination.CopyTo(value);
            return true;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            Pace();
            var slot = Take();
            // The input must outlive the operation too: a copy in the slot's destination.
            var input = Destination(slot, initial.Length);
            initial.CopyTo(input);
            if (_session.TryRmw(Key(slot, key), input, new IncrementFirstWord(), slot)) _free.Push(slot);
        }

        private Memory<byte> Key(int slot, long key)
        {
            var memory = _keys.AsMemory(slot * sizeof(long), sizeof(long));
            BitConverter.TryWriteBytes(memory.Span, key);
            return memory;
        }

        /// <summary>The slot's destination; every slot's grows to the longest value asked for.</summary>
        private Memory<byte> Destination(int slot, int length)
        {
            if (length > _valueBytes)
            {
                // Only when no operation is in flight may the buffers move.
                Collect(_session.CompletePending(wait: true));
                _valueBytes = length;
                _values = new byte[Slots * length];
            }
            return _values.AsMemory(slot * _valueBytes, length);
        }

        private int Take()
        {
            if (_free.Count == 0) Collect(_session.CompletePending(wait: true));
            return _free.Pop();
        }

        private void Pace()
        {
            if (++_operations % CompletePendingEvery == 0) Collect(_session.CompletePending(wait: false));
        }

        private void Collect(IReadOnlyList<KvCompletion> done)
        {
            foreach (var completion in done)
            {
                _free.Push((int)completion.Token);
                if (completion.Operation != KvOperation.Read) continue;
                if (completion.Result.Found) _found++;
                else _missing++;
            }
        }

        public void Dispose()
        {
            Collect(_session.CompletePending(wait: true));
            _session.Dispose();
            _target.Add(_reads, _found, _missing, _pending);
        }
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
