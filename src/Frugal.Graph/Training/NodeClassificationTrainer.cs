using System.Diagnostics;
using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Graph.Models;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sampling;
using Frugal.Graph.Storage;
using Frugal.Learning.Memory;
using Frugal.Learning.Metrics;
using Frugal.Learning.Training;
using static TorchSharp.torch;
using HeldScalars = Frugal.Learning.Training.HeldScalars;

namespace Frugal.Graph.Training;

/// <summary>
/// Node classification with GraphSAGE over DENSE samples. Each epoch walks the ordering's buffer states; each
/// training node is trained in one state holding its partition (SEQUENTIAL: the single state), sampling
/// neighbours among the resident nodes only (MariusGNN §3). In memory there is one state holding everything.
/// Evaluation runs on the full graph, as MariusGNN's default (<c>full_graph_evaluation</c>): from the partition
/// buffer, the neighbour index of every node is read once from the edge buckets and each evaluation batch reads
/// its sampled rows' features straight from features.bin (<see cref="RowReader"/>), so validation and test nodes
/// see all their neighbours while memory holds only the index and the batches in flight.
/// </summary>
internal sealed class NodeClassificationTrainer(GraphLayout layout, GraphTrainingOptions options, SeedTree seeds)
{
    private readonly GraphMeta _meta = layout.Meta;
    private readonly int[] _labels = layout.Labels();
    private readonly IoCounters _io = new();
    private readonly Dictionary<string, NeighborGraph> _graphs = [];
    private long _peakStateBytes;
    private NeighborGraph? _fullGraph;

    /// <summary>Evaluation batches the pipeline holds from disk (no backward pass, so a short queue).</summary>
    private const int EvaluationDepth = 2;

    public GraphTrainingResult Run(IProgress<GraphEpoch>? progress, CancellationToken cancellation)
    {
        using var model = new GraphSage([_meta.Features, .. Enumerable.Repeat(options.Hidden,
            options.Fanouts.Length - 1), _meta.Classes], options.Dropout, options.Aggregator);
        using var optimizer = new HeldScalars.Adam(model.parameters(), options.LearningRate, options.WeightDecay);
        var modelBytes = TensorMemory.Of(model, optimizer).Total;
        // Batches in the pipeline hold their gathered features; the one being trained also its dropout copy, the
        // per-edge neighbour rows and their gradients (three more).
        var rowBytes = _meta.Features * sizeof(float);
        // Evaluation from disk adds the full graph's neighbour index (kept from the first evaluation on) and its
        // own batches, of at most every node each, held while no training batch is.
        var indexBytes = NeighborGraph.LayoutBytes(_meta, options.SelfLoops);
        var evaluationBatchBytes = (EvaluationDepth + 2L) * BatchRows(_meta.Nodes) * rowBytes;
        var plan = options.Disk ? BufferPlan.For(_meta, options, rowBytes, modelBytes + indexBytes,
            c => Math.Max(evaluationBatchBytes,
                (BufferPlan.BatchesInFlight + 3) * BatchRows((long)c * _meta.PartitionSize) * rowBytes)) : null;
        using NodeStore store = plan is null
            ? new MemoryStore(_meta, layout.ReadAllFeatures(), _meta.Features, withAccumulators: false)
            : new PartitionBuffer(_meta, layout.PathOf(GraphFiles.Features), null, _meta.Features,
                plan.Capacity + plan.PrefetchSlots, _io, options.Throttle);
        var capacity = plan?.Capacity ?? _meta.Partitions;
        var train = layout.SplitNodes(0);
        var validation = layout.SplitNodes(1);
        var epochs = new List<GraphEpoch>();
        // Resuming continues after the checkpoint's epoch (features are read-only: the model and optimiser are all).
        var done = options.Resume ? Checkpoint.Load(options.CheckpointPath!, model, optimizer) : 0;
        for (var epoch = done + 1; epoch <= options.Epochs; epoch++)
        {
            var epochSeeds = seeds.Child($"epoch{epoch}");
            var ordering = plan is null ? BufferOrderings.InMemory(_meta.Partitions)
                : BufferOrderings.For(options.Ordering, _meta.Partitions, capacity, options.FineToCoarse,
                    _meta.TrainingPartitions, epochSeeds.Stream("ordering"));
            var assigned = Assign(train, ordering, epochSeeds.Stream("assign"));
            _io.Reset();
            var started = Stopwatch.GetTimestamp();
            model.train();
            double lossSum = 0;
            long examples = 0;
            Walk(store, ordering, assigned, epochSeeds, shuffle: true, cancellation, (graph, batch) =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var logits = model.Forward(batch.Features, batch.Sample);
                var loss = nn.functional.cross_entropy(logits, batch.Labels);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * batch.Sample.Targets;
                examples += batch.Sample.Targets;
            });
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var (read, written, wait) = (_io.BytesRead, _io.BytesWritten, _io.WaitSeconds);
            var accuracy = Evaluate(model, store, validation, epochSeeds, cancellation);
            var record = new GraphEpoch(epoch, lossSum / Math.Max(1, examples), accuracy, seconds, wait, read,
                written, ordering.States.Count);
            epochs.Add(record);
            progress?.Report(record);
            if (options.CheckpointPath is { } path) Checkpoint.Save(path, model, optimizer, epoch);
        }
        var test = Evaluate(model, store, layout.SplitNodes(2), seeds.Child("test"), cancellation);
        return new GraphTrainingResult
        {
            Epochs = epochs, Test = new Dictionary<string, double> { ["accuracy"] = test }, Capacity = capacity,
            PrefetchSlots = plan?.PrefetchSlots ?? 0, AccountedBytes = store.Bytes + modelBytes + _peakStateBytes
                + (plan is null ? 0 : plan.BatchBytes + indexBytes),
        };
    }

    // A batch's targets and their sampled neighbourhoods, at most every one of the resident rows.
    private long BatchRows(long resident) => Fanout.SampledRows(options.BatchSize, options.Fanouts, resident);

    // Each node goes to a uniformly random state among those holding its partition.
    private List<int>[] Assign(int[] nodes, EpochOrdering ordering, Random random)
    {
        var holders = new List<int>[_meta.Partitions];
        for (var s = 0; s < ordering.States.Count; s++)
            foreach (var p in ordering.States[s]) (holders[p] ??= []).Add(s);
        var assigned = ordering.States.Select(_ => new List<int>()).ToArray();
        foreach (var v in nodes)
        {
            var states = holders[_meta.PartitionOf(v)];
            assigned[states.Count == 1 ? states[0] : states[random.Next(states.Count)]].Add(v);
        }
        return assigned;
    }

    private sealed record Batch(LayeredSample Sample, Tensor Features, Tensor Labels) : IDisposable
    {
        public void Dispose()
        {
            Features.Dispose();
            Labels.Dispose();
        }
    }

    private void Walk(NodeStore store, EpochOrdering ordering, List<int>[] assigned, SeedTree epochSeeds,
        bool shuffle, CancellationToken cancellation, Action<NeighborGraph, Batch> step)
    {
        for (var s = 0; s < ordering.States.Count; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            var state = ordering.States[s];
            store.Enter(state);
            if (s + 1 < ordering.States.Count) store.Prefetch(ordering.States[s + 1]);
            if (assigned[s].Count == 0) continue;
            var graph = GraphOf(store, state);
            var nodes = assigned[s].ToArray();
            if (shuffle) epochSeeds.Stream($"shuffle{s}").Shuffle(nodes);
            var sampler = new DenseSampler(graph, options.Fanouts);
            BatchPipeline.Run(Batches(store.LocalRow, store.Gather, sampler, nodes, epochSeeds, s),
                batch =>
                {
                    using (batch) step(graph, batch);
                }, cancellation);
        }
    }

    private IEnumerable<Batch> Batches(Func<int, int> localRow, Func<int[], Tensor> gather, DenseSampler sampler,
        int[] nodes, SeedTree epochSeeds, int state)
    {
        for (int start = 0, b = 0; start < nodes.Length; start += options.BatchSize, b++)
        {
            var targets = nodes[start..Math.Min(nodes.Length, start + options.BatchSize)];
            var rows = targets.Select(localRow).ToArray();
            var sample = sampler.Sample(rows, epochSeeds.Stream($"sample{state}-{b}"));
            yield return new Batch(sample, gather(sample.Rows),
                tensor(targets.Select(v => (long)_labels[v]).ToArray(), ScalarType.Int64));
        }
    }

    // The neighbour index of a state: edges among its partitions in local rows; kept while the same state recurs
    // (in memory, the only state).
    private NeighborGraph GraphOf(NodeStore store, int[] state)
    {
        var key = string.Join(',', state);
        if (_graphs.TryGetValue(key, out var cached)) return cached;
        _graphs.Clear();
        var edges = layout.ReadBuckets(BufferOrderings.Pairs(state), _io);
        var graph = NeighborGraph.Build(store.Rows, edges, store.LocalRow, options.SelfLoops);
        _peakStateBytes = Math.Max(_peakStateBytes, graph.Bytes + (long)edges.Length * GraphFiles.EdgeBytes);
        if (store is MemoryStore) _graphs[key] = graph;
        return graph;
    }

    private double Evaluate(GraphSage model, NodeStore store, int[] nodes, SeedTree evalSeeds,
        CancellationToken cancellation)
    {
        model.eval();
        var predicted = new List<int>();
        var actual = new List<int>();
        void Step(Batch batch)
        {
            using (var scope = NewDisposeScope())
            {
                var logits = model.Forward(batch.Features, batch.Sample);
                predicted.AddRange(logits.argmax(1).data<long>().Select(x => (int)x));
                actual.AddRange(batch.Labels.data<long>().Select(x => (int)x));
            }
        }
        using (no_grad())
        {
            if (store is MemoryStore)
            {
                var all = BufferOrderings.InMemory(_meta.Partitions);
                Walk(store, all, [[.. nodes]], evalSeeds, shuffle: false, cancellation, (_, batch) => Step(batch));
            }
            else
            {
                // Node ids are rows of the full graph; the reads are evaluation's, not the epoch's training I/O.
                _fullGraph ??= NeighborGraph.OfLayout(layout, options.SelfLoops);
                using var reader = new RowReader(layout.PathOf(GraphFiles.Features), _meta.Features, new IoCounters());
                try
                {
                    var sampler = new DenseSampler(_fullGraph, options.Fanouts);
                    BatchPipeline.Run(Batches(v => v, reader.Gather, sampler, nodes, evalSeeds, 0), batch =>
                    {
                        using (batch) Step(batch);
                    }, cancellation, EvaluationDepth);
                }
                finally
                {
                    reader.DropCache();
                }
            }
        }
        return Classification.Accuracy([.. predicted], [.. actual]);
    }
}
