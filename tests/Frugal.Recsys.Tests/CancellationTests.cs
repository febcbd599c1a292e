using Frugal.Recsys.Cluster;
using Frugal.Recsys.Lookahead;

namespace Frugal.Recsys.Tests;

/// <summary>A run cancelled mid-training stops every node and writes nothing.</summary>
public sealed class CancellationTests : IDisposable
{
    // Generous: a hang fails the test here instead of blocking the suite; a prompt stop takes well under a second.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("recsys-cancel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(RecsysMode.Sync, 1)]
    [InlineData(RecsysMode.Lru, 2)]
    [InlineData(RecsysMode.Bagpipe, 3)]
    public async Task ARunCancelledMidTrainingEndsWithCancellationAndNoCheckpoint(RecsysMode mode, int trainers)
    {
        var config = EquivalenceTests.Small(mode, trainers) with
        {
            Iterations = 400,
            Network = new NetworkShape(1, 0),
            TimeoutSeconds = 120,
        };
        using var cancel = new CancellationTokenSource();
        var writes = 0;
        // The server's first write-backs come mid-training: the store cancels the run on the third one.
        var run = RecsysCluster.RunAsync(config, shape => new CallbackStore(shape, () =>
        {
            if (Interlocked.Increment(ref writes) == 3) cancel.Cancel();
        }), Path.Combine(_folder, "model.ckpt"), cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Hang));
        Assert.True(writes >= 3);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    /// <summary>An in-memory store that calls back on every write.</summary>
    private sealed class CallbackStore(TableShape shape, Action written) : IEmbeddingStore
    {
        private readonly MemoryEmbeddingStore _inner = new(shape);

        public ValueTask ReadAsync(long[] keys, float[] rows) => _inner.ReadAsync(keys, rows);

        public void Write(long[] keys, float[] rows)
        {
            _inner.Write(keys, rows);
            written();
        }

        public void Dispose() => _inner.Dispose();
    }
}
