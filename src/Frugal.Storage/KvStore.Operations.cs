namespace Frugal.Storage;

// The operations, as F2 runs them over its two tiers: the hot store first; where its chain ends
// without a record of the key (no tombstone either), the cold tier. A read-modify-write that
// finds its current value on the device or in the cold tier inserts the merged value into the
// hot log conditionally (see LogStore.CompleteRmw), so no update is lost to a racing writer or
// to compaction moving versions between the tiers.
public sealed partial class KvStore
{
    /// <summary>
    /// A session for one worker thread that keeps many reads and read-modify-writes in flight and completes them in
    /// batches (see <see cref="KvSession"/>).
    /// </summary>
    public KvSession NewSession()
    {
        CheckUsable(write: false);
        return new KvSession(this);
    }

    // ---- Read ----

    /// <summary>Reads <paramref name="key"/>'s value into <paramref name="destination"/>.</summary>
    public ValueTask<ReadResult> ReadAsync(ReadOnlyMemory<byte> key, Memory<byte> destination)
    {
        var status = TryRead(key.Span, destination.Span, out var length, out var pending);
        return status == OpStatus.Pending
            ? ReadFromDeviceAsync(key, destination, pending)
            : new ValueTask<ReadResult>(ReadResult.Of(status, length));
    }

    /// <summary>Reads <paramref name="key"/>'s value into a new array; null when the key is absent.</summary>
    public async ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key)
    {
        var buffer = new byte[256];
        while (true)
        {
            var result = await ReadAsync(key, buffer).ConfigureAwait(false);
            switch (result.Status)
            {
                case ReadStatus.NotFound: return null;
                case ReadStatus.Found: return buffer.AsSpan(0, result.ValueLength).ToArray();
                default: buffer = new byte[result.ValueLength]; break;
            }
        }
    }

    /// <summary>
    /// The synchronous part of a read: the hot store's read cache and memory. Pending with where
    /// to continue: the hot log on the device, or (address 0) the cold tier.
    /// </summary>
    internal OpStatus TryRead(ReadOnlySpan<byte> key, Span<byte> destination, out int length, out PendingIo pending)
    {
        CheckUsable(write: false);
        var status = _hot.TryRead(key, destination, out length, out pending);
        return status == OpStatus.Missing ? OpStatus.Pending : status;
    }

    /// <summary>
    /// Finishes a read that left memory: the hot chain on the device, then (if the hot log has no record) the cold
    /// tier.
    /// </summary>
    internal async ValueTask<ReadResult> ReadFromDeviceAsync(
        ReadOnlyMemory<byte> key, Memory<byte> destination, PendingIo pending)
    {
        while (true)
        {
            var (end, record) = await FindAsync(key, pending).ConfigureAwait(false);
            if (end != ChainEnd.Restart)
            {
                CheckUsable(write: false);
                return _hot.Deliver(key.Span, pending, end == ChainEnd.Found ? record : null, destination.Span);
            }
            // Compaction moved the chain's records while we read them: start over from the index.
            var status = TryRead(key.Span, destination.Span, out var length, out pending);
            if (status != OpStatus.Pending) return ReadResult.Of(status, length);
        }
    }

    /// <summary>
    /// The key's newest record below memory: the hot chain on the device from the pending
    /// address, then the cold tier when the hot chain ends without it. A hot chain that ends
    /// below hot Begin is complete: compaction copied what lay below into the cold tier first.
    /// </summary>
    private async ValueTask<(ChainEnd End, DeviceRecord Record)> FindAsync(ReadOnlyMemory<byte> key, PendingIo pending)
    {
        if (pending.Address != LogAddress.None)
        {
            var hot = await _hot.FindAsync(key, pending, beginSeen: long.MaxValue).ConfigureAwait(false);
            if (hot.End != ChainEnd.Missing) return hot;
        }
        Interlocked.Increment(ref _coldLookups);
        return await _cold.FindAsync(key, pending.Hash).ConfigureAwait(false);
    }

    // ---- Upsert and Delete ----

    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="value"/>: in place when its record is in the mutable region, else
    /// appended at the tail.
    /// </summary>
    public void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        CheckUsable(write: true);
        Throttle();
        _hot.Upsert(key, value);
    }

    /// <summary>
    /// Deletes <paramref name="key"/> by appending a tombstone at the hot tail, even when the hot log has no record of
    /// it: it hides older versions on disk and in the cold tier.
    /// </summary>
    public void Delete(ReadOnlySpan<byte> key)
    {
        CheckUsable(write: true);
        Throttle();
        _hot.Delete(key);
    }

    // ---- Read-modify-write ----

    /// <summary>
    /// Replaces <paramref name="key"/>'s value by <paramref name="merge"/>(input, current value); in place when the
    /// record is mutable.
    /// </summary>
    public ValueTask RmwAsync<TMerge>(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> input, TMerge merge)
        where TMerge : IRmwFunction
    {
        var status = TryRmw(key.Span, input.Span, ref merge, out var pending);
        return status == OpStatus.Pending ? RmwFromDeviceAsync(key, input, merge, pending) : ValueTask.CompletedTask;
    }

    /// <summary>
    /// The synchronous part of a read-modify-write, in the hot store; Pending when the current value is on the device
    /// or may be cold.
    /// </summary>
    internal OpStatus TryRmw<TMerge>(
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge, out PendingIo pending)
        where TMerge : IRmwFunction
    {
        CheckUsable(write: true);
        Throttle();
        var status = _hot.TryRmw(key, input, ref merge, createIfMissing: false, out pending);
        return status == OpStatus.Missing ? OpStatus.Pending : status;
    }

    /// <summary>
    /// Finishes a read-modify-write that left memory: reads the current value (hot device or cold tier), then inserts
    /// conditionally; starts over when that fails.
    /// </summary>
    internal async ValueTask RmwFromDeviceAsync<TMerge>(
        ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> input, TMerge merge, PendingIo pending)
        where TMerge : IRmwFunction
    {
        while (true)
        {
            var (end, found) = await FindAsync(key, pending).ConfigureAwait(false);
            var status = OpStatus.Retry;
            if (end != ChainEnd.Restart)
            {
                CheckUsable(write: true);
                var current = end == ChainEnd.Found ? found : (DeviceRecord?)null;
                status = _hot.CompleteRmw(key.Span, input.Span, ref merge, pending, current);
            }
            // A newer version may exist (the entry changed, or compaction moved the chain): start over from the index.
            if (status == OpStatus.Done) return;
            if (TryRmw(key.Span, input.Span, ref merge, out pending) == OpStatus.Done) return;
        }
    }
}
