using System.Diagnostics;
using System.Runtime.InteropServices;
using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Graph.Models;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sampling;
using Frugal.Graph.Storage;
using Frugal.Learning.Data;
using Frugal.Learning.Memory;
using Frugal.Learning.Metrics;
using Frugal.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;
using HeldScalars = Frugal.Learning.Training.HeldScalars;

namespace Frugal.Graph.Training;

/// <summary>
/// Link prediction with DistMult (MariusGNN §5's Freebase/FB15k settings): node embeddings and their Adagrad
/// accumulators live in the node store (the partition buffer on disk, written back on eviction); relation vectors
/// in the model with torch's Adagrad. Each state trains the edges of its buckets, shuffled, in batches split into
/// chunks that share negatives (a degree-fraction of them from the chunk's endpoints, the rest uniform over the
/// resident nodes), with the softmax loss in both directions. Training is synchronous: a batch's embedding rows
/// are updated (Adagrad's row rule) before the next batch gathers them.
/// </summary>
internal sealed class LinkPredictionTrainer(GraphLayout layout, GraphTrainingOptions options, SeedTree seeds)
{
    private readonly GraphMeta _meta = layout.Meta;
    private readonly IoCounters _io = new();
    // Adagrad's row rule's scalars, held by the trainer for the run (see Scalars).
    private readonly Scalar _learningRate = options.LearningRate.ToScalar();
    private readonly Scalar _epsilon = 1e-10.ToScalar();
    private readonly Scalar _regularizationWeight = options.RegularizationWeight.ToScalar();
    private long _peakStateBytes;
    private NeighborGraph? _memoryGraph;
    private NeighborGraph? _fullGraph;

    public GraphTrainingResult Run(IProgress<GraphEpoch>? progress, CancellationToken cancellation)
    {
        var d = options.Dimension;
        using var link = new LinkModel(new DistMult(_meta.Relations, d, options.RelationDropout), options.SageEncoder
            ? new GraphSage([.. Enumerable.Repeat(d, options.Fanouts.Length + 1)], 0, options.Aggregator) : null);
        var (model, encoder) = (link.Decoder, link.Encoder);
        using optim.Optimizer optimizer = options.RelationOptimizer == RelationOptimizer.Adam
            ? new HeldScalars.Adam(link.parameters(), options.LearningRate)
            : new HeldScalars.Adagrad(link.parameters(), options.LearningRate);
        var modelBytes = TensorMemory.Of(link, optimizer).Total;
        // A batch names its edges' endpoints and each chunk's negatives (rows, ids: 12 bytes each in the queue); the
        // one being trained gathers those rows' embeddings, gradients, accumulators and updates (4·d floats each).
        var batchRows = 2L * options.BatchSize + (long)options.Chunks * options.Negatives;
        // With the encoder, the rows grow by their sampled neighbours (at most every resident row) and the trainer
        // also holds the encoder's output and its gradient.
        // With all negatives a batch gathers every resident row, and the trainer holds both directions' logits
        // against them (with their softmax and gradient).
        long Rows(int c) => options.AllNegatives ? (long)c * _meta.PartitionSize + 2L * options.BatchSize
            : encoder is null ? batchRows : Fanout.SampledRows(batchRows, options.Fanouts, (long)c * _meta.PartitionSize);
        long Logits(int c) => options.AllNegatives ? 2L * options.BatchSize * c * _meta.PartitionSize * 3 * sizeof(float)
            : 0;
        var plan = options.Disk ? BufferPlan.For(_meta, options, 2 * d * sizeof(float), modelBytes,
            c => Rows(c) * (BufferPlan.BatchesInFlight * 12 + (encoder is null ? 4 : 6) * d * sizeof(float))
                + Logits(c))
            : null;
        var work = options.WorkFolder ?? Path.Combine(Path.GetTempPath(), $"frugal-graph-{Guid.NewGuid():N}");
        // Resuming continues after the checkpoint's epoch, with its model, optimiser and node state.
        var done = options.Resume ? Checkpoint.Load(options.CheckpointPath!, link, optimizer) : 0;
        try
        {
            using var store = plan is null ? InMemory(d, done) : OnDisk(work, d, plan, done);
            var capacity = plan?.Capacity ?? _meta.Partitions;
            var validation = layout.SplitEdges(1);
            var test = layout.SplitEdges(2);
            // The known triples of filtered ranking: every edge, read only when a filtered evaluation needs them.
            var filter = new Lazy<TripleFilter>(() => new TripleFilter(layout.ReadAllEdges(), validation, test));
            var validationSubset = Subset(validation, options.ValidationLimit, seeds.Stream("validation subset"));
            var epochs = new List<GraphEpoch>();
            for (var epoch = done + 1; epoch <= options.Epochs; epoch++)
            {
                var epochSeeds = seeds.Child($"epoch{epoch}");
                var ordering = plan is null ? BufferOrderings.InMemory(_meta.Partitions)
                    : BufferOrderings.For(options.Ordering, _meta.Partitions, capacity, options.FineToCoarse, 0,
                        epochSeeds.Stream("ordering"));
                _io.Reset();
                var started = Stopwatch.GetTimestamp();
                var (loss, examples) = TrainEpoch(model, encoder, optimizer, store, ordering, epochSeeds,
                    cancellation);
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var (read, written, wait) = (_io.BytesRead, _io.BytesWritten, _io.WaitSeconds);
                var mrr = Evaluate(model, encoder, store, validationSubset, filter, epochSeeds)["mrr"];
                var record = new GraphEpoch(epoch, loss / Math.Max(1, examples), mrr, seconds, wait, read, written,
                    ordering.States.Count);
                epochs.Add(record);
                progress?.Report(record);
                if (options.CheckpointPath is { } path)
                {
                    NodeStateFile.Save(path, epoch, store);
                    Checkpoint.Save(path, link, optimizer, epoch);
                }
            }
            return new GraphTrainingResult
            {
                Epochs = epochs, Test = Evaluate(model, encoder, store, test, filter, seeds.Child("test")),
                Capacity = capacity,
                PrefetchSlots = plan?.PrefetchSlots ?? 0, AccountedBytes = store.Bytes + modelBytes + _peakStateBytes
                + (plan?.BatchBytes ?? 0),
            };
        }
        finally
        {
            if (options.WorkFolder is null && Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    // Fresh embeddings, or after epoch done > 0 those saved beside the checkpoint.
    private NodeStore InMemory(int d, int done)
    {
        var values = new float[(long)_meta.Nodes * d];
        if (done == 0) NodeStore.Initialise(values, seeds.Stream("embeddings"), options.InitialStd);
        var store = new MemoryStore(_meta, values, d, withAccumulators: true);
        if (done > 0)
        {
            using var saved = NodeStateFile.Open(options.CheckpointPath!, done, values.LongLength * sizeof(float));
            saved.ReadExactly(store.Values.bytes);
            saved.ReadExactly(store.Accumulators!.bytes);
        }
        return store;
    }

    // embeddings.bin and optstate.bin are written partition by partition from the same stream as in memory, or
    // after epoch done > 0 copied from the state saved beside the checkpoint.
    private NodeStore OnDisk(string work, int d, BufferPlan plan, int done)
    {
        Directory.CreateDirectory(work);
        var values = Path.Combine(work, GraphFiles.Embeddings);
        var accumulators = Path.Combine(work, GraphFiles.OptimizerState);
        var random = seeds.Stream("embeddings");
        using (var v = File.Create(values))
        using (var a = File.Create(accumulators))
        {
            if (done > 0)
            {
                var bytes = (long)_meta.Nodes * d * sizeof(float);
                using var saved = NodeStateFile.Open(options.CheckpointPath!, done, bytes);
                NodeStateFile.Copy(saved, v, bytes);
                NodeStateFile.Copy(saved, a, bytes);
            }
            for (var p = 0; done == 0 && p < _meta.Partitions; p++)
            {
                var rows = new float[(long)_meta.NodesIn(p) * d];
                NodeStore.Initialise(rows, random, options.InitialStd);
                v.Write(MemoryMarshal.AsBytes(rows.AsSpan()));
                a.Write(new byte[rows.Length * sizeof(float)]);
            }
        }
        return new PartitionBuffer(_meta, values, accumulators, d, plan.Capacity + plan.PrefetchSlots, _io,
            options.Throttle);
    }

    // Rows: the store rows the batch gathers (with the encoder, the sample's rows: the endpoints and negatives
    // first, in the order Source, Destination and Negatives index, then their sampled neighbours).
    private sealed record Batch(int[] Rows, long[] Source, long[] Relation, long[] Destination, long[][] Negatives,
        int[] ChunkStarts, LayeredSample? Sample);

    private (double Loss, long Examples) TrainEpoch(DistMult model, GraphSage? encoder, optim.Optimizer optimizer,
        NodeStore store, EpochOrdering ordering, SeedTree epochSeeds, CancellationToken cancellation)
    {
        double lossSum = 0;
        long examples = 0;
        for (var s = 0; s < ordering.States.Count; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            store.Enter(ordering.States[s]);
            if (s + 1 < ordering.States.Count) store.Prefetch(ordering.States[s + 1]);
            var edges = layout.ReadBuckets(ordering.Buckets[s], _io);
            _peakStateBytes = Math.Max(_peakStateBytes, (long)edges.Length * GraphFiles.EdgeBytes);
            epochSeeds.Stream($"shuffle{s}").Shuffle(edges);
            var seen = new SeenSet(store.Rows);
            var sampler = encoder is null ? null : new DenseSampler(StateGraph(store, ordering.States[s]),
                options.Fanouts);
            var batches = options.AllNegatives ? AllNegativeBatches(store, edges)
                : Batches(store, edges, seen, sampler, epochSeeds, s);
            BatchPipeline.Run(batches, batch =>
            {
                lossSum += Step(model, encoder, optimizer, store, batch);
                examples += batch.Source.Length;
            }, cancellation);
        }
        return (lossSum, examples);
    }

    // The neighbour index of a state: every bucket among its partitions, not only those it trains (MariusGNN's
    // in-memory subgraph); in memory built once.
    private NeighborGraph StateGraph(NodeStore store, int[] state)
    {
        if (store is MemoryStore && _memoryGraph is not null) return _memoryGraph;
        var edges = layout.ReadBuckets(BufferOrderings.Pairs(state), _io);
        var graph = NeighborGraph.Build(store.Rows, edges, store.LocalRow);
        _peakStateBytes = Math.Max(_peakStateBytes, graph.Bytes + (long)edges.Length * GraphFiles.EdgeBytes);
        if (store is MemoryStore) _memoryGraph = graph;
        return graph;
    }

    private IEnumerable<Batch> Batches(NodeStore store, Triple[] edges, SeenSet seen, DenseSampler? sampler,
        SeedTree epochSeeds, int state)
    {
        var ranges = store.ResidentRanges;
        var resident = ranges.Sum(r => (long)r.Count);
        for (int start = 0, b = 0; start < edges.Length; start += options.BatchSize, b++)
        {
            var random = epochSeeds.Stream($"negatives{state}-{b}");
            var count = Math.Min(options.BatchSize, edges.Length - start);
            var rows = new List<int>(count * 2 + options.Negatives * options.Chunks);
            seen.Clear();
            var source = new long[count];
            var relation = new long[count];
            var destination = new long[count];
            for (var i = 0; i < count; i++)
            {
                var e = edges[start + i];
                source[i] = seen.Visit(store.LocalRow(e.Head), rows);
                relation[i] = e.Relation;
                destination[i] = seen.Visit(store.LocalRow(e.Tail), rows);
            }
            var chunks = Math.Min(options.Chunks, count);
            var chunkStarts = Enumerable.Range(0, chunks + 1).Select(c => (int)((long)c * count / chunks)).ToArray();
            var negatives = new long[chunks][];
            var fromDegree = (int)Math.Round(options.Negatives * options.DegreeFraction);
            for (var c = 0; c < chunks; c++)
            {
                negatives[c] = new long[options.Negatives];
                var (lo, hi) = (chunkStarts[c], chunkStarts[c + 1]);
                for (var n = 0; n < options.Negatives; n++)
                {
                    int row;
                    if (n < fromDegree)
                    {
                        // An endpoint of a random edge of the chunk: nodes come in proportion to their degree.
                        var i = lo + random.Next(hi - lo);
                        row = rows[(int)(random.Next(2) == 0 ? source[i] : destination[i])];
                    }
                    else row = Uniform(ranges, resident, random);
                    negatives[c][n] = seen.Visit(row, rows);
                }
            }
            var sample = sampler?.Sample(CollectionsMarshal.AsSpan(rows), epochSeeds.Stream($"neighbours{state}-{b}"));
            yield return new Batch(sample?.Rows ?? [.. rows], source, relation, destination, negatives, chunkStarts,
                sample);
        }
    }

    // 1-vs-all: every batch gathers all resident rows, in the order of the resident ranges; its endpoints index them.
    private IEnumerable<Batch> AllNegativeBatches(NodeStore store, Triple[] edges)
    {
        var rows = store.ResidentRanges.SelectMany(r => Enumerable.Range(r.Row, r.Count)).ToArray();
        var position = new int[store.Rows];
        for (var i = 0; i < rows.Length; i++) position[rows[i]] = i;
        for (var start = 0; start < edges.Length; start += options.BatchSize)
        {
            var batch = edges.AsSpan(start, Math.Min(options.BatchSize, edges.Length - start));
            var (source, relation, destination) = (new long[batch.Length], new long[batch.Length],
                new long[batch.Length]);
            for (var i = 0; i < batch.Length; i++)
            {
                source[i] = position[store.LocalRow(batch[i].Head)];
                relation[i] = batch[i].Relation;
                destination[i] = position[store.LocalRow(batch[i].Tail)];
            }
            yield return new Batch(rows, source, relation, destination, [], [0, batch.Length], null);
        }
    }

    private static int Uniform(IReadOnlyList<(int Row, int Count)> ranges, long resident, Random random)
    {
        var k = random.NextInt64(resident);
        foreach (var (row, count) in ranges)
        {
            if (k < count) return row + (int)k;
            k -= count;
        }
        throw new InvalidOperationException("no resident nodes.");
    }

    private double Step(DistMult model, GraphSage? encoder, optim.Optimizer optimizer, NodeStore store, Batch batch)
    {
        using var scope = NewDisposeScope();
        var rows = tensor(batch.Rows.Select(r => (long)r).ToArray(), ScalarType.Int64);
        var leaf = store.Values.index_select(0, rows).requires_grad_();
        // What DistMult scores: the gathered embeddings, or their encoding (rows of the sample's targets).
        var embedded = encoder is null ? leaf : encoder.Forward(leaf, batch.Sample!);
        // Dropout on what DistMult scores, candidates included (none draws no random numbers).
        var scored = options.EmbeddingDropout > 0 ? nn.functional.dropout(embedded, options.EmbeddingDropout)
            : embedded;
        optimizer.zero_grad();
        var loss = options.AllNegatives ? model.LossAll(scored, tensor(batch.Source, ScalarType.Int64),
            tensor(batch.Relation, ScalarType.Int64), tensor(batch.Destination, ScalarType.Int64))
            : ChunkLosses(model, scored, batch);
        if (options.RegularizationWeight > 0)
            loss = loss.add(model.Penalty(options.Regularizer,
                embedded.index_select(0, tensor(batch.Source, ScalarType.Int64)), tensor(batch.Relation,
                ScalarType.Int64), embedded.index_select(0, tensor(batch.Destination, ScalarType.Int64))),
                _regularizationWeight);
        loss.backward();
        optimizer.step();
        using (no_grad())
        {
            // Adagrad's row rule on the store: G += g², e −= lr·g / (√G + ε).
            var g = leaf.grad!;
            var accumulated = store.Accumulators!.index_select(0, rows).add_(g * g, Scalars.One);
            store.Accumulators.index_copy_(0, rows, accumulated);
            var updated = store.Values.index_select(0, rows)
                .sub_(g.mul(_learningRate) / accumulated.sqrt().add(_epsilon, Scalars.One));
            store.Values.index_copy_(0, rows, updated);
        }
        return loss.item<float>();
    }

    // The softmax losses of the batch's chunks, each against its shared negatives, summed.
    private static Tensor ChunkLosses(DistMult model, Tensor scored, Batch batch)
    {
        Tensor? loss = null;
        for (var c = 0; c + 1 < batch.ChunkStarts.Length; c++)
        {
            var (lo, hi) = (batch.ChunkStarts[c], batch.ChunkStarts[c + 1]);
            var negatives = scored.index_select(0, tensor(batch.Negatives[c], ScalarType.Int64));
            var chunk = model.Loss(scored.index_select(0, tensor(batch.Source[lo..hi], ScalarType.Int64)),
                tensor(batch.Relation[lo..hi], ScalarType.Int64),
                scored.index_select(0, tensor(batch.Destination[lo..hi], ScalarType.Int64)), negatives, negatives);
            loss = loss is null ? chunk : loss.add(chunk, Scalars.One);
        }
        return loss!;
    }

    private static Triple[] Subset(Triple[] triples, int limit, Random random)
    {
        if (triples.Length <= limit) return triples;
        var copy = (Triple[])triples.Clone();
        random.Shuffle(copy);
        return copy[..limit];
    }

    private Dictionary<string, double> Evaluate(DistMult model, GraphSage? encoder, NodeStore store,
        Triple[] triples, Lazy<TripleFilter> filter, SeedTree evalSeeds)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var negatives = options.EvaluationNegatives
            ?? (_meta.Nodes <= GraphTrainingOptions.FilteredEvaluationNodes ? 0 : 1000);
        var ranks = negatives == 0 ? FilteredRanks(model, encoder, store, triples, filter.Value, evalSeeds)
            : SampledRanks(model, encoder, store, triples, negatives, evalSeeds);
        return new Dictionary<string, double>
        {
            ["mrr"] = Ranking.MeanReciprocalRank(ranks), ["hits@1"] = Ranking.HitsAt(ranks, 1),
            ["hits@3"] = Ranking.HitsAt(ranks, 3), ["hits@10"] = Ranking.HitsAt(ranks, 10),
        };
    }

    // Filtered ranking of every candidate node, both directions; the embeddings are read whole (small graphs).
    private List<double> FilteredRanks(DistMult model, GraphSage? encoder, NodeStore store, Triple[] triples,
        TripleFilter filter, SeedTree evalSeeds)
    {
        var all = AllEmbeddings(store);
        if (encoder is not null)
            all = Encode(encoder, FullGraph(store), rows => Select(all, rows), [.. Enumerable.Range(0, _meta.Nodes)],
                evalSeeds, "encode");
        var ranks = new List<double>(triples.Length * 2);
        for (var start = 0; start < triples.Length; start += 500)
        {
            var batch = triples[start..Math.Min(triples.Length, start + 500)];
            var heads = all.index_select(0, tensor(batch.Select(t => (long)t.Head).ToArray(), ScalarType.Int64));
            var tails = all.index_select(0, tensor(batch.Select(t => (long)t.Tail).ToArray(), ScalarType.Int64));
            var relations = tensor(batch.Select(t => (long)t.Relation).ToArray(), ScalarType.Int64);
            var tailScores = model.ScoreTails(heads, relations, all).data<float>().ToArray();
            var headScores = model.ScoreHeads(tails, relations, all).data<float>().ToArray();
            var n = _meta.Nodes;
            for (var i = 0; i < batch.Length; i++)
            {
                var t = batch[i];
                ranks.Add(Ranking.Rank(tailScores.AsSpan(i * n, n), t.Tail, filter.Tails(t.Head, t.Relation)));
                ranks.Add(Ranking.Rank(headScores.AsSpan(i * n, n), t.Head, filter.Heads(t.Relation, t.Tail)));
            }
        }
        return ranks;
    }

    // Each block of 1,000 triples is ranked, both directions, against the same uniformly drawn nodes (unfiltered);
    // only the rows of the block's nodes are read (from disk: straight from embeddings.bin) or encoded.
    private List<double> SampledRanks(DistMult model, GraphSage? encoder, NodeStore store, Triple[] triples,
        int negatives, SeedTree evalSeeds)
    {
        store.Flush();
        using var reader = store is PartitionBuffer buffer
            ? new RowReader(buffer.ValuesPath, options.Dimension, new IoCounters()) : null;
        Func<int[], Tensor> gather = reader is null ? store.Gather : reader.Gather;
        var ranks = new List<double>(triples.Length * 2);
        try
        {
            for (int start = 0, b = 0; start < triples.Length; start += 1000, b++)
            {
                using var scope = NewDisposeScope();
                var block = triples[start..Math.Min(triples.Length, start + 1000)];
                var random = evalSeeds.Stream($"negatives{b}");
                var drawn = Enumerable.Range(0, negatives).Select(_ => random.Next(_meta.Nodes)).ToArray();
                var nodes = block.SelectMany(t => new[] { t.Head, t.Tail }).Concat(drawn).Distinct().ToArray();
                var position = new Dictionary<int, int>(nodes.Length);
                for (var i = 0; i < nodes.Length; i++) position[nodes[i]] = i;
                var embedded = encoder is null ? gather(nodes)
                    : Encode(encoder, FullGraph(store), gather, nodes, evalSeeds, $"encode{b}-");
                Tensor Rows(IEnumerable<int> ids) =>
                    embedded.index_select(0, tensor(ids.Select(v => (long)position[v]).ToArray(), ScalarType.Int64));
                var heads = Rows(block.Select(t => t.Head));
                var tails = Rows(block.Select(t => t.Tail));
                var candidates = Rows(drawn);
                var relations = tensor(block.Select(t => (long)t.Relation).ToArray(), ScalarType.Int64);
                // Column 0 is the true triple, the rest its corruptions by the drawn nodes.
                var tailScores = cat([model.ScoreTail(heads, relations, tails).unsqueeze(1),
                    model.ScoreTails(heads, relations, candidates)], 1).data<float>().ToArray();
                var headScores = cat([model.ScoreHead(heads, relations, tails).unsqueeze(1),
                    model.ScoreHeads(tails, relations, candidates)], 1).data<float>().ToArray();
                for (var i = 0; i < block.Length; i++)
                {
                    ranks.Add(Ranking.Rank(tailScores.AsSpan(i * (negatives + 1), negatives + 1), 0));
                    ranks.Add(Ranking.Rank(headScores.AsSpan(i * (negatives + 1), negatives + 1), 0));
                }
            }
        }
        finally
        {
            reader?.DropCache();
        }
        return ranks;
    }

    private static Tensor Select(Tensor values, int[] rows)
    {
        using var index = tensor(rows.Select(r => (long)r).ToArray(), ScalarType.Int64);
        return values.index_select(0, index);
    }

    private Tensor AllEmbeddings(NodeStore store)
    {
        if (store is MemoryStore) return store.Values;
        store.Flush();
        var path = ((PartitionBuffer)store).ValuesPath;
        var values = new float[(long)_meta.Nodes * options.Dimension];
        using (var file = File.OpenHandle(path)) DiskIo.ReadExactly(file, MemoryMarshal.AsBytes(values.AsSpan()), 0,
            null);
        return tensor(values).view(_meta.Nodes, options.Dimension);
    }

    // Every node's neighbours, in node ids: in memory, the state graph of all nodes; from disk, the index read from
    // the buckets (kept).
    private NeighborGraph FullGraph(NodeStore store) => store is MemoryStore
        ? StateGraph(store, [.. Enumerable.Range(0, _meta.Partitions)])
        : _fullGraph ??= NeighborGraph.OfLayout(layout, selfLoops: false);

    // The encodings of nodes over the full graph, 1,000 at a time, from the rows gather returns.
    private Tensor Encode(GraphSage encoder, NeighborGraph graph, Func<int[], Tensor> gather, int[] nodes,
        SeedTree evalSeeds, string name)
    {
        encoder.eval();
        var sampler = new DenseSampler(graph, options.Fanouts);
        var parts = new List<Tensor>();
        for (int start = 0, b = 0; start < nodes.Length; start += 1000, b++)
        {
            var sample = sampler.Sample(nodes.AsSpan(start, Math.Min(1000, nodes.Length - start)),
                evalSeeds.Stream($"{name}{b}"));
            using var x = gather(sample.Rows);
            parts.Add(encoder.Forward(x, sample));
        }
        encoder.train();
        return cat(parts, 0);
    }
}
