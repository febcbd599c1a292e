using Frugal.Core.Errors;
using Frugal.Graph.Layout;
using Frugal.Graph.Orderings;

namespace Frugal.Graph.Training;

/// <summary>
/// The buffer capacity a memory budget allows (design §6.2): c = ⌊(B − fixed) / partition bytes⌋ − q, where fixed
/// covers the model and optimiser, the id maps, the expected edges and neighbour index of a state of c
/// partitions (E·(c/p)² edges of 12 bytes plus 8 in the index, with a margin of a quarter) and the batches in
/// flight (the pipeline's queue, the batch being built and the trainer's working copies), as the trainer
/// estimates them for a capacity c.
/// </summary>
internal sealed record BufferPlan(int Capacity, int PrefetchSlots, long PartitionBytes, long BatchBytes)
{
    /// <summary>Batches held at once: the queue, the one being built and the one being trained.</summary>
    public const int BatchesInFlight = BatchPipeline.Depth + 2;

    /// <param name="meta">The graph.</param>
    /// <param name="options">The ordering, budget or capacity.</param>
    /// <param name="rowBytes">Bytes of one node's data in the buffer.</param>
    /// <param name="modelBytes">Model and optimiser.</param>
    /// <param name="batchBytes">The batches in flight when c partitions are resident.</param>
    public static BufferPlan For(GraphMeta meta, GraphTrainingOptions options, int rowBytes, long modelBytes,
        Func<int, long> batchBytes)
    {
        var p = meta.Partitions;
        var partitionBytes = (long)meta.PartitionSize * rowBytes;
        var l = options.Ordering == OrderingKind.Comet ? options.FineToCoarse : 1;
        var q = p == 1 ? 0 : l;
        var minimum = BufferOrderings.MinimumCapacity(options.Ordering, p, l, meta.TrainingPartitions);
        long Batches(int c) => batchBytes(c);
        if (options.MemoryBudget is not { } budget)
        {
            var c = Math.Clamp(options.Capacity ?? Math.Max(minimum, p / 4), 1, p);
            if (c < minimum)
                throw new BadInputException($"buffer capacity {c}: the {Name(options.Ordering)} ordering needs at " +
                    $"least {minimum} partitions in memory", "capacity");
            return new BufferPlan(c, c == p ? 0 : q, partitionBytes, Batches(c));
        }
        for (var c = p; c >= minimum; c--)
        {
            if (options.Ordering == OrderingKind.Comet && c % l != 0) continue;
            var slots = c == p ? c : c + q;
            if (Bytes(meta, c, slots, partitionBytes, modelBytes + Batches(c)) <= budget)
                return new BufferPlan(c, slots - c, partitionBytes, Batches(c));
        }
        var needed = Bytes(meta, minimum, minimum == p ? minimum : minimum + q, partitionBytes,
            modelBytes + Batches(minimum));
        throw new BadInputException($"memory budget {Mib(budget)} is too small for the {Name(options.Ordering)} " +
            $"ordering: it needs {minimum} partitions of {Mib(partitionBytes)} in memory{(q > 0 && minimum < p ?
                $" plus {q} prefetch slot{(q > 1 ? "s" : "")}" : "")}, at least {Mib(needed)}", "memory-budget");
    }

    /// <summary>What a buffer of <paramref name="capacity"/> partitions and <paramref name="slots"/> slots needs,
    /// with <paramref name="fixedBytes"/> for the model, optimiser and batches.</summary>
    public static long Bytes(GraphMeta meta, int capacity, int slots, long partitionBytes, long fixedBytes)
    {
        var share = Math.Min(1.0, (double)capacity / meta.Partitions);
        var stateEdges = (long)(meta.Edges * share * share * 1.25);
        var idMaps = (long)meta.Partitions * 8 + (long)slots * meta.PartitionSize * 8;
        return slots * partitionBytes + fixedBytes + idMaps + stateEdges * (12 + 8);
    }

    private static string Name(OrderingKind kind) => BufferOrderings.Catalog.Names[(int)kind];

    internal static string Mib(long bytes) => bytes < 1048576 ? $"{bytes:N0} bytes" : $"{bytes / 1048576.0:0.##} MiB";
}
