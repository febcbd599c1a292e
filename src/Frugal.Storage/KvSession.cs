namespace Frugal.Storage;

/// <summary>Which kind of operation a <see cref="KvCompletion"/> finishes.</summary>
public enum KvOperation
{
    /// <summary>A read issued by <see cref="KvSession.TryRead"/>.</summary>
    Read,

    /// <summary>A read-modify-write issued by <see cref="KvSession.TryRmw{TMerge}"/>.</summary>
    ReadModifyWrite,
}

/// <summary>An operation a <see cref="KvSession"/> left in flight, now complete.</summary>
/// <param name="Token">What the caller passed when it issued the operation.</param>
/// <param name="Operation">Read or read-modify-write.</param>
/// <param name="Result">A read's outcome (its value is in the destination it was given); default for an RMW.</param>
public readonly record struct KvCompletion(long Token, KvOperation Operation, ReadResult Result);

/// <summary>
/// Keeps many reads and read-modify-writes of one thread in flight, as FASTER's sessions do: an operation whose
/// record is in memory completes in the call that issues it; one that must read the device is left pending, and
/// <see cref="CompletePending"/> hands back those that finished, in batches. With <see cref="IoMode.Direct"/> and
/// io_uring, the device reads that the operations issued since the last <see cref="CompletePending"/> go to the
/// kernel in one submission there. In buffered mode a device read is a page-cache copy done in the call, so every
/// operation completes at once and nothing is ever pending. Not thread-safe: one thread uses a session at a time
/// (open one per worker with <see cref="KvStore.NewSession"/>).
/// </summary>
/// <remarks>
/// The key, input and destination memory of a pending operation must stay untouched until it completes. Each
/// operation takes effect at some moment between its issue and its completion. <see cref="Dispose"/> waits for
/// every operation still in flight (their results are dropped), so no destination is written after it returns.
/// </remarks>
public sealed class KvSession : IDisposable
{
    private readonly KvStore _store;
    private readonly List<InFlight> _inFlight = [];
    private readonly List<KvCompletion> _completed = [];
    private readonly List<IoUring> _deferred = [];
    private bool _disposed;

    internal KvSession(KvStore store) => _store = store;

    /// <summary>Operations issued and not yet handed back by <see cref="CompletePending"/>.</summary>
    public int PendingCount => _inFlight.Count;

    /// <summary>
    /// Reads <paramref name="key"/>'s value into <paramref name="destination"/>. True when the read completed now
    /// (<paramref name="result"/> says how); false when it is pending: a later <see cref="CompletePending"/> hands
    /// back its result under <paramref name="token"/>.
    /// </summary>
    public bool TryRead(ReadOnlyMemory<byte> key, Memory<byte> destination, long token, out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValueTask<ReadResult> read;
        IoUring.DeferSubmits(_deferred);
        try
        {
            read = _store.ReadAsync(key, destination);
        }
        finally
        {
            IoUring.StopDeferring();
        }
        if (read.IsCompleted)
        {
            result = read.GetAwaiter().GetResult();
            return true;
        }
        _inFlight.Add(new InFlight(token, KvOperation.Read, read, default));
        result = default;
        return false;
    }

    /// <summary>
    /// Replaces <paramref name="key"/>'s value by <paramref name="merge"/>(input, current value), as
    /// <see cref="KvStore.RmwAsync{TMerge}"/>. True when it completed now; false when it is pending (a later
    /// <see cref="CompletePending"/> hands back its completion under <paramref name="token"/>).
    /// </summary>
    public bool TryRmw<TMerge>(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> input, TMerge merge, long token)
        where TMerge : IRmwFunction
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValueTask update;
        IoUring.DeferSubmits(_deferred);
        try
        {
            update = _store.RmwAsync(key, input, merge);
        }
        finally
        {
            IoUring.StopDeferring();
        }
        if (update.IsCompleted)
        {
            update.GetAwaiter().GetResult();
            return true;
        }
        _inFlight.Add(new InFlight(token, KvOperation.ReadModifyWrite, default, update));
        return false;
    }

    /// <summary>
    /// Submits the device reads issued since the last call, then hands back the pending operations that finished
    /// (with <paramref name="wait"/>: all of them, waiting as needed), each exactly once. The list is the
    /// session's own, valid until the next call. An operation that failed is complete too: its exception is thrown
    /// once every other finished operation was collected (they are handed back by the next call).
    /// </summary>
    public IReadOnlyList<KvCompletion> CompletePending(bool wait = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Collect(wait);
    }

    private List<KvCompletion> Collect(bool wait)
    {
        IoUring.Submit(_deferred);
        _completed.Clear();
        Exception? failure = null;
        var kept = 0;
        for (var i = 0; i < _inFlight.Count; i++)
        {
            var operation = _inFlight[i];
            if (!wait && !operation.IsCompleted)
            {
                _inFlight[kept++] = operation;
                continue;
            }
            try
            {
                _completed.Add(operation.Finish());
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }
        _inFlight.RemoveRange(kept, _inFlight.Count - kept);
        if (failure is null) return _completed;
        // The completions collected so far are not lost: they wait in the list for the next call.
        _inFlight.InsertRange(0, _completed.Select(c => new InFlight(c)));
        throw failure;
    }

    /// <summary>
    /// Waits for every operation still in flight and drops their results, so nothing writes into their
    /// destinations afterwards; throws the first failure among them once all completed.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Collect(wait: true);
    }

    /// <summary>A pending operation (or a finished one carried over to the next batch).</summary>
    private readonly struct InFlight
    {
        private readonly long _token;
        private readonly KvOperation _operation;
        private readonly ValueTask<ReadResult> _read;
        private readonly ValueTask _update;

        public InFlight(long token, KvOperation operation, ValueTask<ReadResult> read, ValueTask update)
        {
            _token = token;
            _operation = operation;
            _read = read;
            _update = update;
        }

        public InFlight(KvCompletion done) : this(done.Token, done.Operation, new ValueTask<ReadResult>(done.Result),
            ValueTask.CompletedTask)
        { }

        public bool IsCompleted => _operation == KvOperation.Read ? _read.IsCompleted : _update.IsCompleted;

        /// <summary>The completion, waiting for it if need be (a ValueTask is awaited once: only here).</summary>
        public KvCompletion Finish()
        {
            if (_operation == KvOperation.ReadModifyWrite)
            {
                if (_update.IsCompleted) _update.GetAwaiter().GetResult();
                else _update.AsTask().GetAwaiter().GetResult();
                return new KvCompletion(_token, _operation, default);
            }
            var result = _read.IsCompleted ? _read.GetAwaiter().GetResult() : _read.AsTask().GetAwaiter().GetResult();
            return new KvCompletion(_token, _operation, result);
        }
    }
}
