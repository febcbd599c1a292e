using Frugal.Core.Experiments;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Graph.Layout;
using Frugal.Graph.Models;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sampling;
using Frugal.Graph.Sources;
using Frugal.Graph.Training;

namespace Frugal.Graph.Experiments;

/// <summary>
/// MariusGNN for <c>frugal reproduce</c>: Cora node classification (2-layer GraphSAGE) in memory and from the
/// partition buffer (SEQUENTIAL), and link prediction (DistMult) on a synthetic power-law graph in memory and on
/// disk with BETA and COMET; per-epoch accuracy/MRR, epoch time and I/O bytes; DENSE against naive per-layer
/// sampling (3 layers, 15/10/5). Quick: a few epochs and a smaller sampling graph (seconds).
/// </summary>
public sealed class MariusExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "graph.marius";

    /// <inheritdoc />
    public string Title => "Graph: MariusGNN out-of-core training, in memory vs disk with BETA and COMET";

    /// <inheritdoc />
    public string Description =>
        "Trains GraphSAGE on Cora and DistMult on a synthetic power-law graph, in memory and from a partition " +
        "buffer on disk, and compares accuracy/MRR per epoch, epoch time and bytes moved per ordering.";

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context)
    {
        var result = context.NewResult(this);
        var work = Path.Combine(Path.GetTempPath(), $"frugal-marius-{Guid.NewGuid():N}");
        try
        {
            var seeds = context.Seeds;
            var cora = Prepare(new PlanetoidSource(ReferenceData.Require("graphs/cora")), work, "cora", 4, seeds);
            // DGL's train_full.py recipe, the one behind the published Cora figure (data/graphs/README.md) and
            // bench/graph/run.sh: 'gcn' aggregation with self-loops, 200 full-batch epochs.
            var nc = new GraphTrainingOptions
            {
                Epochs = context.Quick ? 10 : 200, BatchSize = 140, LearningRate = 0.01, Fanouts = [Fanout.All,
                    Fanout.All], Hidden = 16, Dropout = 0.5, WeightDecay = 5e-4, Aggregator = SageAggregator.Gcn,
                SelfLoops = true, Ordering = OrderingKind.Sequential,
            };
            var lpGraph = Prepare(new PowerLawSource(context.Quick ? 2000 : 20000, context.Quick ? 20000 : 300000, 8,
                seeds.Child("lp graph")), work, "lp", 16, seeds);
            var lp = new GraphTrainingOptions
            {
                Epochs = context.Quick ? 3 : 10, BatchSize = 1000, LearningRate = 0.1, Dimension = 32, Negatives =
                    100, Chunks = 10, FineToCoarse = 2, Capacity = 4, ValidationLimit = 1000,
            };
            var runs = new (string Name, GraphLayout Layout, GraphTrainingOptions Options)[]
            {
                ("nc memory", cora, nc),
                ("nc disk sequential", cora, nc with { Disk = true, Capacity = 2 }),
                ("lp memory", lpGraph, lp),
                ("lp disk beta", lpGraph, lp with { Disk = true, Ordering = OrderingKind.Beta }),
                ("lp disk comet", lpGraph, lp with { Disk = true, Ordering = OrderingKind.Comet }),
            };
            var table = new RecordTable("epochs", [new Column("run", ColumnKind.Text), new Column("epoch"),
                new Column("loss"), new Column("validation"), new Column("seconds", Unit: "s"),
                new Column("io wait", Unit: "s"), new Column("read", Unit: "B"), new Column("written", Unit: "B"),
                new Column("states")]);
            var outcomes = new List<(string Name, GraphTrainingResult Result)>();
            for (var i = 0; i < runs.Length; i++)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var (name, layout, options) = runs[i];
                var outcome = GraphTrainer.Run(layout, options, seeds.Child(name.Split(' ')[0]),
                    cancellation: context.Cancellation);
                outcomes.Add((name, outcome));
                foreach (var e in outcome.Epochs)
                    table.Add(name, e.Epoch, e.Loss, e.Validation, e.Seconds, e.IoWaitSeconds, e.BytesRead,
                        e.BytesWritten, e.States);
                foreach (var (metric, value) in outcome.Test) result.WithMetric($"{name} test {metric}", value);
                context.ReportProgress((i + 1.0) / runs.Length);
            }
            result.Records.Add(table);
            result.Records.Add(CompareSamplers(context.Quick, seeds.Child("sampling"), result));
            result.Charts.Add(PerEpoch("validation", "Validation accuracy (nc) and MRR (lp) per epoch", "validation",
                outcomes, e => e.Validation));
            result.Charts.Add(PerEpoch("epoch-time", "Training time per epoch", "seconds", outcomes, e => e.Seconds));
            result.WithParameter("cora partitions", 4).WithParameter("lp partitions", 16)
                .WithParameter("lp buffer capacity", 4).WithParameter("comet fine-to-coarse", 2);
            result.Summary = "Accuracy and MRR do not depend on the machine; epoch times and I/O waits do.";
            return result;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    // DENSE versus naive per-layer sampling on 3 layers, fanouts 15/10/5 (the paper's NC setting), batches of 1000
    // random targets on a stochastic block graph of mean degree 15: nodes and edges sampled, batch-build time.
    private static RecordTable CompareSamplers(bool quick, SeedTree seeds, ExperimentResult result)
    {
        var nodes = quick ? 20_000 : 200_000;
        var batches = quick ? 5 : 50;
        var source = new StochasticBlockSource(nodes, 8, 15, 1, seeds.Child("graph"));
        var graph = NeighborGraph.Build(nodes, [.. source.TrainEdges()], v => v);
        int[] fanouts = [15, 10, 5];
        var table = new RecordTable("sampling", [new Column("sampler", ColumnKind.Text),
            new Column("nodes per batch"), new Column("edges per batch"),
            new Column("build ms per batch", Unit: "ms")]);
        var dense = new DenseSampler(graph, fanouts);
        var naive = new NaiveSampler(graph, fanouts);
        var samplers = new (string Name, Func<int[], Random, LayeredSample> Sample)[]
        {
            ("dense", (t, r) => dense.Sample(t, r)), ("naive", (t, r) => naive.Sample(t, r)),
        };
        foreach (var (name, sample) in samplers)
        {
            var targetStream = seeds.Stream("targets");
            var random = seeds.Stream(name);
            long sampledNodes = 0, sampledEdges = 0;
            sample([0, 1, 2], seeds.Stream("warm-up")); // JIT outside the timing
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                var targets = Enumerable.Range(0, 1000).Select(_ => targetStream.Next(nodes)).Distinct().ToArray();
                var s = sample(targets, random);
                sampledNodes += s.SampledNodes;
                sampledEdges += s.SampledEdges;
            }
            var ms = watch.Elapsed.TotalMilliseconds / batches;
            table.Add(name, (double)sampledNodes / batches, (double)sampledEdges / batches, ms);
            result.WithMetric($"{name} sampled nodes per batch", (double)sampledNodes / batches)
                .WithMetric($"{name} batch build ms", ms);
        }
        return table;
    }

    private static GraphLayout Prepare(GraphSource source, string work, string name, int partitions, SeedTree seeds)
    {
        var folder = Path.Combine(work, name);
        GraphPreprocessor.Run(source, folder, partitions, seeds.Child($"{name} preprocess"));
        return GraphLayout.Open(folder);
    }

    private static Chart PerEpoch(string name, string title, string y,
        List<(string Name, GraphTrainingResult Result)> outcomes, Func<GraphEpoch, double> value) =>
        new(name, ChartKind.Line, title, "epoch", y, [.. outcomes.Select(o => new Series(o.Name,
            [.. o.Result.Epochs.Select(e => (double)e.Epoch)], [.. o.Result.Epochs.Select(value)]))]);
}
