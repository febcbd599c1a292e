using System.Collections.Concurrent;

namespace Frugal.Recsys.Cluster;

/// <summary>A trainer's connection to the embedding server: Gets answered by request id (a held Get does not block
/// later requests), Puts acknowledged asynchronously and awaited at the end.</summary>
internal sealed class ServerClient : IAsyncDisposable
{
    private readonly FrameConnection _connection;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<float[]>> _waiting = new();
    private readonly Task _reader;
    private readonly CancellationToken _cancellation;
    private int _nextRequest;
    private int _unacknowledged;
    private TaskCompletionSource _allAcknowledged = NewSignal();

    public ServerClient(FrameConnection connection, CancellationToken cancellation)
    {
        _connection = connection;
        _cancellation = cancellation;
        _reader = Task.Run(ReadAsync);
    }

    public long BytesSent => _connection.BytesSent;

    /// <summary>The rows of <paramref name="keys"/>, each read at its lifetime.</summary>
    public Task<float[]> GetAsync(long[] keys, int[] lifetimes)
    {
        var request = Interlocked.Increment(ref _nextRequest);
        var reply = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[request] = reply;
        _connection.Send(Op.Get, request, new PayloadWriter().Longs(keys).Ints(lifetimes).ToArray());
        return reply.Task.WaitAsync(_cancellation);
    }

    /// <summary>Writes rows back (lifetime numbers as read); the acknowledgement is awaited by
    /// <see cref="FinishAsync"/>.</summary>
    public void Put(long[] keys, int[] lifetimes, float[] rows)
    {
        if (keys.Length == 0) return;
        lock (_waiting)
        {
            if (_unacknowledged++ == 0) _allAcknowledged = NewSignal();
        }
        _connection.Send(Op.Put, Interlocked.Increment(ref _nextRequest),
            new PayloadWriter().Longs(keys).Ints(lifetimes).Floats(rows).ToArray());
    }

    /// <summary>Waits for every Put's acknowledgement, then tells the server this trainer is done.</summary>
    public async Task FinishAsync()
    {
        Task pending;
        lock (_waiting) pending = _unacknowledged == 0 ? Task.CompletedTask : _allAcknowledged.Task;
        await pending.WaitAsync(_cancellation);
        _connection.Send(Op.Done, 0, []);
        await _connection.DrainAsync();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (true)
            {
                var frame = await _connection.ReceiveAsync(_cancellation);
                if (frame.Op == Op.Ack)
                {
                    lock (_waiting)
                    {
                        if (--_unacknowledged == 0) _allAcknowledged.TrySetResult();
                    }
                }
                else if (_waiting.TryRemove(frame.Request, out var reply))
                {
                    reply.TrySetResult(new PayloadReader(frame.Payload).Floats());
                }
            }
        }
        catch (Exception e)
        {
            foreach (var reply in _waiting.Values) reply.TrySetException(e);
            lock (_waiting) _allAcknowledged.TrySetException(e);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        try
        {
            await _reader;
        }
        catch (Exception)
        {
            // The reader ends with the connection; its error, if any, has been handed to the waiters.
        }
    }
}
