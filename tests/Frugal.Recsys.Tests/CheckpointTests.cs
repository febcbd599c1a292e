using Frugal.Recsys.Cluster;
using Frugal.Recsys.Lookahead;

namespace Frugal.Recsys.Tests;

/// <summary>The trained model on disk: whole, matching the run, and never half-written.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("recsys-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Path => System.IO.Path.Combine(_folder, "model.ckpt");

    [Fact]
    public async Task TheCheckpointHoldsTheTrainedModelAndItsIteration()
    {
        var config = EquivalenceTests.Small(RecsysMode.Bagpipe, 2);
        var report = await RecsysCluster.RunAsync(config, checkpoint: Path);
        var checkpoint = RecsysCheckpoint.Read(Path);
        Assert.Equal(config.Iterations, checkpoint.Iteration);
        Assert.Equal(report.TablesHash, checkpoint.TablesHash);
        Assert.Equal(report.DenseHash, checkpoint.DenseHash);
        Assert.Equal(config.Cardinalities, checkpoint.Tables.Select(t => t.Length / config.Model.Dim));
        Assert.Equal(config.Cardinalities, checkpoint.Config.Cardinalities);
        Assert.NotEmpty(checkpoint.Dense);
    }

    [Fact]
    public async Task ARunThatDiesWhileWritingLeavesThePreviousCheckpointOrNone()
    {
        var config = EquivalenceTests.Small(RecsysMode.Bagpipe, 2);
        // No checkpoint yet: the failed run leaves none.
        await Assert.ThrowsAnyAsync<Exception>(() => RecsysCluster.RunAsync(config, FailingInTheLastTable, Path));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));

        await RecsysCluster.RunAsync(config, checkpoint: Path);
        var before = await File.ReadAllBytesAsync(Path);
        // The server dies after the rows of the first three tables have gone into the new checkpoint.
        var e = await Assert.ThrowsAnyAsync<Exception>(
            () => RecsysCluster.RunAsync(config with { Seed = 6 }, FailingInTheLastTable, Path));
        Assert.Contains("the store failed", e.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path));
        Assert.Equal([Path], Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task ACutShortCheckpointIsRefusedAsCorrupt()
    {
        await RecsysCluster.RunAsync(EquivalenceTests.Small(RecsysMode.Sync, 1), checkpoint: Path);
        var bytes = await File.ReadAllBytesAsync(Path);
        File.WriteAllBytes(Path, bytes[..(bytes.Length / 2)]);
        Assert.Throws<Core.Errors.CorruptDataException>(() => RecsysCheckpoint.Read(Path));
    }

    /// <summary>An in-memory store that fails when the whole last table (2,000 rows) is read: only the end-of-run
    /// pass over the tables does that.</summary>
    private static IEmbeddingStore FailingInTheLastTable(TableShape shape) => new FailingStore(shape);

    private sealed class FailingStore(TableShape shape) : IEmbeddingStore
    {
        private readonly MemoryEmbeddingStore _inner = new(shape);

        public ValueTask ReadAsync(long[] keys, float[] rows) => keys.Length == 2000
            ? throw new IOException("the store failed")
            : _inner.ReadAsync(keys, rows);

        public void Write(long[] keys, float[] rows) => _inner.Write(keys, rows);

        public void Dispose() => _inner.Dispose();
    }
}
