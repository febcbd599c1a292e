using Frugal.Core.Experiments;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Graph.Layout;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sampling;
using Frugal.Graph.Sources;
using Frugal.Graph.Training;

namespace Frugal.Graph.Experiments;

/// <summary>
/// MariusGNN for <c>frugal reproduce</c>: Cora node classification (2-layer GraphSAGE) in memory and from the
/// partition buffer (SEQUENTIAL), and link prediction (DistMult) on a synthetic power-law graph in memory and on
/// disk with BETA and COMET; per-epoch accuracy/MRR, epoch time and I/O bytes. Quick: a few epochs (seconds).
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
            var nc = new GraphTrainingOptions
            {
                Epochs = context.Quick ? 10 : 100, BatchSize = 140, LearningRate = 0.01, Fanouts = [Fanout.All,
                    Fanout.All], Hidden = 16, Dropout = 0.5, WeightDecay = 5e-4, Ordering = OrderingKind.Sequential,
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
