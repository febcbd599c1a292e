namespace Frugal.Storage;

// The asynchronous paths of the store used alone (the chunk store): they hold no epoch across an
// await, so this part of the class is not unsafe.
internal sealed partial class LogStore
{
    /// <summary>
    /// A read of this store alone: the device chain, where a missing record is simply absent. Its device reads are
    /// counted in <paramref name="reads"/> too, where given.
    /// </summary>
    public async ValueTask<ReadResult> ReadFromDeviceAsync(
        ReadOnlyMemory<byte> key, Memory<byte> destination, PendingIo pending, ReadCounter? reads = null)
    {
        while (true)
        {
            var (end, record) = await _file.FindAsync(key, pending.Address, pending.Begin, reads).ConfigureAwait(false);
            if (end != ChainEnd.Restart)
                return Deliver(key.Span, pending, end == ChainEnd.Found ? record : null, destination.Span);
            // Compaction moved the chain's records while we read them: start over from the index.
            var status = TryRead(key.Span, destination.Span, out var length, out pending);
            if (status != OpStatus.Pending) return ReadResult.Of(status, length);
        }
    }

    /// <summary>
    /// A read-modify-write of this store alone that left memory: read the current value from the device, then insert
    /// conditionally; start over when that fails.
    /// </summary>
    public async ValueTask RmwFromDeviceAsync<TMerge>(
        ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> input, TMerge merge, PendingIo pending)
        where TMerge : IRmwFunction
    {
        while (true)
        {
            var (end, found) = await FindAsync(key, pending, pending.Begin).ConfigureAwait(false);
            var status = end == ChainEnd.Restart
                ? OpStatus.Retry
                : CompleteRmw(key.Span, input.Span, ref merge, pending, end == ChainEnd.Found ? found : null);
            // A newer version may exist (the entry changed, or compaction moved the chain): start over from the index.
            if (status == OpStatus.Done) return;
            if (TryRmw(key.Span, input.Span, ref merge, createIfMissing: true, out pending) == OpStatus.Done) return;
        }
    }

    /// <summary>
    /// Whether the chain from <paramref name="head"/> holds a valid record of <paramref name="key"/> above
    /// <paramref name="address"/> (compaction's stale test; see HasNewerAsync).
    /// </summary>
    private async ValueTask<bool> FoundAboveAsync(ReadOnlyMemory<byte> key, long head, long address)
    {
        // Only the compacting thread moves Begin, so the walk never has to restart for it.
        var (end, record) = await _file.FindAsync(key, head, beginSeen: long.MaxValue, above: address)
            .ConfigureAwait(false);
        if (end != ChainEnd.Found) return false;
        record.Return();
        return true;
    }
}
