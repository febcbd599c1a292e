using Frugal.Core.Catalogs;
using Frugal.Graph.Models;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sampling;
using Frugal.Graph.Storage;

namespace Frugal.Graph.Training;

/// <summary>How a graph is trained. Defaults follow the paper's toy configurations (design §5).</summary>
public sealed record GraphTrainingOptions
{
    /// <summary>Train from the partition buffer on disk (true) or with every node in memory (false).</summary>
    public bool Disk { get; init; }

    /// <summary>The buffer ordering (disk only).</summary>
    public OrderingKind Ordering { get; init; } = OrderingKind.Beta;

    /// <summary>
    /// Memory budget B in bytes (disk only); sets the buffer capacity c. Null: <see cref="Capacity"/>.
    /// </summary>
    public long? MemoryBudget { get; init; }

    /// <summary>Buffer capacity c in partitions when no budget is given (disk only; default p / 4, at least the
    /// ordering's minimum).</summary>
    public int? Capacity { get; init; }

    /// <summary>l, physical partitions per logical one (COMET).</summary>
    public int FineToCoarse { get; init; } = 1;

    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Training examples (nodes or edges) per batch.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Learning rate (Adam for classification, Adagrad for link prediction).</summary>
    public double LearningRate { get; init; } = 0.003;

    /// <summary>Neighbours per hop, from the targets outwards (<see cref="Fanout.All"/> = every neighbour);
    /// one entry per GraphSAGE layer.</summary>
    public int[] Fanouts { get; init; } = [Fanout.All, Fanout.All];

    /// <summary>Hidden width of GraphSAGE.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>How GraphSAGE combines a node with its neighbours (design: mean).</summary>
    public SageAggregator Aggregator { get; init; } = SageAggregator.Mean;

    /// <summary>Node classification: every node is also its own neighbour (DGL's AddSelfLoop, as in the published
    /// Cora configuration).</summary>
    public bool SelfLoops { get; init; }

    /// <summary>Dropout between GraphSAGE layers.</summary>
    public double Dropout { get; init; }

    /// <summary>Adam's weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Link prediction: encode the embeddings with GraphSAGE (one layer per entry of
    /// <see cref="Fanouts"/>, width d, mean aggregator) before DistMult scores them, as MariusGNN's FB15k-237
    /// configuration (one layer, all neighbours). The neighbours come from the resident partitions, as in node
    /// classification.</summary>
    public bool SageEncoder { get; init; }

    /// <summary>Embedding dimension (link prediction).</summary>
    public int Dimension { get; init; } = 50;

    /// <summary>Negatives per chunk of a batch (link prediction).</summary>
    public int Negatives { get; init; } = 500;

    /// <summary>Chunks a batch is split into; each chunk shares its negatives.</summary>
    public int Chunks { get; init; } = 10;

    /// <summary>Share of negatives drawn from the batch's edge endpoints (degree-proportional).</summary>
    public double DegreeFraction { get; init; }

    /// <summary>Standard deviation of the initial embeddings.</summary>
    public double InitialStd { get; init; } = 0.001;

    /// <summary>Link prediction: rank each training edge, both directions, against every resident node (every node
    /// in memory) with a softmax cross-entropy (LibKGE's 1vsAll) instead of the chunks' sampled negatives; then
    /// <see cref="Negatives"/>, <see cref="Chunks"/> and <see cref="DegreeFraction"/> are not used.</summary>
    public bool AllNegatives { get; init; }

    /// <summary>Link prediction: the optimiser of the relation vectors (and the encoder), with the learning rate;
    /// the node embeddings always use Adagrad's row rule.</summary>
    public RelationOptimizer RelationOptimizer { get; init; } = RelationOptimizer.Adagrad;

    /// <summary>Link prediction: dropout on the node embeddings DistMult scores (the batch's endpoints and its
    /// candidates), during training.</summary>
    public double EmbeddingDropout { get; init; }

    /// <summary>Link prediction: dropout on the relation vectors during training.</summary>
    public double RelationDropout { get; init; }

    /// <summary>Link prediction: the penalty on the scored vectors, added to the loss per training example (none
    /// while <see cref="RegularizationWeight"/> is 0).</summary>
    public Regularizer Regularizer { get; init; } = Regularizer.N3;

    /// <summary>Link prediction: λ of the penalty: λ·Σ (‖e_s‖ₚᵖ + ‖w_r‖ₚᵖ + ‖e_o‖ₚᵖ) over a batch's edges.</summary>
    public double RegularizationWeight { get; init; }

    /// <summary>Validation triples ranked after each epoch (a fixed subset; all at most this many).</summary>
    public int ValidationLimit { get; init; } = 5000;

    /// <summary>Link prediction's evaluation: 0 ranks every node with the known triples filtered out (small
    /// graphs); n &gt; 0 ranks against n uniformly drawn nodes per 1,000 triples, unfiltered (large graphs, as
    /// MariusGNN's sampled evaluation). Null: filtered up to <see cref="FilteredEvaluationNodes"/> nodes, else
    /// 1,000 negatives.</summary>
    public int? EvaluationNegatives { get; init; }

    /// <summary>The relation optimisers by name.</summary>
    public static Catalog<RelationOptimizer> RelationOptimizers { get; } =
        new Catalog<RelationOptimizer>("relation optimizer")
            .Add("adagrad", RelationOptimizer.Adagrad, "Adagrad, as the node embeddings (Marius)")
            .Add("adam", RelationOptimizer.Adam, "Adam (MariusGNN's dense optimiser)");

    /// <summary>The regularisers by name.</summary>
    public static Catalog<Regularizer> Regularizers { get; } = new Catalog<Regularizer>("regularizer")
        .Add("n3", Regularizer.N3, "cubed 3-norms (Lacroix et al. 2018)")
        .Add("l2", Regularizer.L2, "squared 2-norms");

    /// <summary>The most nodes for which evaluation ranks all of them by default.</summary>
    public const int FilteredEvaluationNodes = 100_000;

    /// <summary>An emulated slower disk (disk only), or null.</summary>
    public DiskThrottle? Throttle { get; init; }

    /// <summary>Where link prediction keeps embeddings.bin and optstate.bin on disk (default: a fresh folder in the
    /// system's temporary folder, removed afterwards).</summary>
    public string? WorkFolder { get; init; }

    /// <summary>Where to write a checkpoint of the model and its optimiser after each epoch, or null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from the checkpoint at <see cref="CheckpointPath"/>: its model and optimiser (and, for
    /// link prediction, the node state saved beside it), with the epochs after its own; each epoch's random streams
    /// are those of an uninterrupted run.</summary>
    public bool Resume { get; init; }

    /// <summary>libtorch threads.</summary>
    public int Threads { get; init; } = 1;
}

/// <summary>The optimiser of link prediction's dense parameters.</summary>
public enum RelationOptimizer
{
    /// <summary>Adagrad, as the node embeddings (Marius's configuration).</summary>
    Adagrad,

    /// <summary>Adam (MariusGNN's dense optimiser).</summary>
    Adam,
}

/// <summary>A penalty on the vectors a link prediction scores.</summary>
public enum Regularizer
{
    /// <summary>Squared L2 norm, p = 2 (weight decay on the rows used).</summary>
    L2,

    /// <summary>Cubed nuclear 3-norm, p = 3 (Lacroix et al., ICML 2018).</summary>
    N3,
}

/// <summary>One epoch of a run.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Loss">Mean loss per training example.</param>
/// <param name="Validation">Validation accuracy (classification) or filtered MRR (link prediction).</param>
/// <param name="Seconds">Training time of the epoch (evaluation excluded).</param>
/// <param name="IoWaitSeconds">Time the trainer waited for partitions.</param>
/// <param name="BytesRead">Bytes read from disk during the epoch's training.</param>
/// <param name="BytesWritten">Bytes written to disk during the epoch's training.</param>
/// <param name="States">Buffer states visited.</param>
public sealed record GraphEpoch(int Epoch, double Loss, double Validation, double Seconds, double IoWaitSeconds,
    long BytesRead, long BytesWritten, int States);

/// <summary>The outcome of a training run.</summary>
public sealed record GraphTrainingResult
{
    /// <summary>Per epoch.</summary>
    public required IReadOnlyList<GraphEpoch> Epochs { get; init; }

    /// <summary>Test metrics: accuracy, or mrr, hits@1, hits@3, hits@10.</summary>
    public required IReadOnlyDictionary<string, double> Test { get; init; }

    /// <summary>Buffer capacity c (partitions in memory; p for in-memory training).</summary>
    public int Capacity { get; init; }

    /// <summary>Prefetch slots q.</summary>
    public int PrefetchSlots { get; init; }

    /// <summary>The largest memory the run accounted for: node store + model and optimiser + the largest state's
    /// edges and neighbour index.</summary>
    public long AccountedBytes { get; init; }

    /// <summary>The process's resident bytes when training started, libtorch loaded (Linux VmRSS; 0 elsewhere).
    /// </summary>
    public long ResidentAtStartBytes { get; init; }

    /// <summary>The process's peak resident bytes at the end of the run (Linux VmHWM; 0 elsewhere).</summary>
    public long ResidentPeakBytes { get; init; }
}
