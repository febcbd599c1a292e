using Frugal.Core.Errors;
using Frugal.Recsys.Lookahead;
using Frugal.Recsys.Model;

namespace Frugal.Recsys.Cluster;

/// <summary>Where a run's samples come from.</summary>
public enum DataKind
{
    /// <summary>The seeded synthetic generator at the paper's skew.</summary>
    Synthetic,
    /// <summary>A binary batch file (replay).</summary>
    BatchFile,
    /// <summary>A Criteo Kaggle TSV file.</summary>
    Criteo,
}

/// <summary>
/// Everything that defines a training run. The oracle holds it and sends it to every trainer, so the trainers need
/// only their rank and the addresses; the server learns the tables' shape from it.
/// </summary>
public sealed record RunConfig
{
    /// <summary>sync, lru or bagpipe.</summary>
    public RecsysMode Mode { get; init; } = RecsysMode.Bagpipe;

    /// <summary>The model.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>Rows per embedding table.</summary>
    public required int[] Cardinalities { get; init; }

    /// <summary>Where the samples come from.</summary>
    public DataKind Data { get; init; } = DataKind.Synthetic;

    /// <summary>The batch or Criteo file, for those sources.</summary>
    public string? DataPath { get; init; }

    /// <summary>Global batch size B (trainer k takes samples [k·B/N, (k+1)·B/N)).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Training iterations (batches).</summary>
    public int Iterations { get; init; } = 200;

    /// <summary>L, batches the oracle looks ahead (Bagpipe).</summary>
    public int Lookahead { get; init; } = 200;

    /// <summary>C, the eviction and prefetch interval; 0 = max(1, ⌊L/4⌋).</summary>
    public int Interval { get; init; }

    /// <summary>Whether rows used by one sample and not again in the window skip synchronisation.</summary>
    public bool NoSync { get; init; } = true;

    /// <summary>Whether a Bagpipe iteration's deferred rows (SyncLater) ride in the next iteration's all-reduce pass
    /// (one pass per iteration, the default) instead of a pass of their own in the background (two passes per
    /// iteration, as the design brief has it). The sums, and so every parameter, are the same bits either way.
    /// </summary>
    public bool FoldDeferred { get; init; } = true;

    /// <summary>Trainer cache rows (Bagpipe, LRU); 0 = the dry run's bound.</summary>
    public int Capacity { get; init; }

    /// <summary>SGD step size for the dense parameters.</summary>
    public float DenseLearningRate { get; init; } = 0.05f;

    /// <summary>SGD step size for embedding rows (the reference's 0.01).</summary>
    public float EmbeddingLearningRate { get; init; } = 0.01f;

    /// <summary>The run's seed: data, dense initialisation, table initialisation.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Trainers N.</summary>
    public int Trainers { get; init; } = 1;

    /// <summary>The shaper of the links <see cref="ShapedLinks"/> names.</summary>
    public NetworkShape Network { get; init; } = NetworkShape.None;

    /// <summary>Which links <see cref="Network"/> shapes: by default only the embedding server's (the trainers'
    /// all-reduce on a fast interconnect, as in the paper).</summary>
    public ShapedLinks ShapedLinks { get; init; } = ShapedLinks.Server;

    /// <summary>Values per chunk of the trainers' pipelined all-reduce; 0 = one chunk (the unpipelined chain).
    /// The sums are the same bits whatever the chunk size.</summary>
    public int AllReduceChunk { get; init; } = DefaultAllReduceChunk;

    /// <summary>The default <see cref="AllReduceChunk"/>: 8,192 values (32 KiB a frame).</summary>
    public const int DefaultAllReduceChunk = 8192;

    /// <summary>What <see cref="BadInputException.Setting"/> names for <see cref="AllReduceChunk"/>.</summary>
    public const string AllReduceChunkSetting = "all-reduce chunk";

    /// <summary>The longest a node waits for a peer's next message, or to connect, in seconds.</summary>
    public double TimeoutSeconds { get; init; } = 60;

    /// <summary>C as used: <see cref="Interval"/>, or max(1, ⌊L/4⌋).</summary>
    public int EffectiveInterval => Interval > 0 ? Interval : Math.Max(1, Lookahead / 4);

    /// <summary>The shape of the tables, seeded from the run's seed.</summary>
    public TableShape Tables => new(Cardinalities, Model.Dim, new Core.Randomness.SeedTree(Seed).SeedOf("tables"));

    internal TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>Throws for a setting out of range, naming it.</summary>
    public RunConfig Validate()
    {
        Require(Trainers is >= 1 and <= 64, "trainers", $"{Trainers} trainers: 1 to 64");
        Require(BatchSize >= Trainers, "batch size",
            $"a batch of {BatchSize} cannot be split over {Trainers} trainers");
        Require(Iterations >= 1, "iterations", "at least 1 iteration");
        Require(Lookahead >= 1, "lookahead", "a lookahead of at least 1 batch");
        // C ≤ (L+1)/2 keeps a group's prefetch from waiting on an eviction that only happens after the group trains.
        Require(EffectiveInterval <= (Lookahead + 1) / 2, "prefetch interval",
            $"a prefetch interval of {EffectiveInterval} is too long for a lookahead of {Lookahead} (at most " +
                $"{(Lookahead + 1) / 2})");
        Require(Cardinalities.Length >= 1 && Cardinalities.All(n => n >= 1), "tables", "tables of at least one row");
        Require(Model.Dim >= 1 && Model.Hidden >= 1, "model", "a positive embedding dimension and width");
        Require(Network.LatencyMs >= 0, NetworkShape.LatencySetting, "a latency of at least 0 ms");
        Require(Network.BandwidthMBps >= 0, NetworkShape.BandwidthSetting, "a bandwidth of at least 0 MB/s");
        Require(Capacity >= 0, CacheBound.CapacitySetting, "a capacity of at least 0 rows");
        Require(AllReduceChunk >= 0, AllReduceChunkSetting,
            "an all-reduce chunk of at least 0 values (0 = one chunk)");
        Require(TimeoutSeconds > 0, "timeout", "a positive timeout");
        return this;
    }

    private static void Require(bool condition, string setting, string message)
    {
        if (!condition) throw new BadInputException(message, setting);
    }
}
