using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Graph.Layout;
using Frugal.Graph.Models;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sampling;
using Frugal.Graph.Storage;
using Frugal.Graph.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Graph;

/// <summary><c>frugal graph train</c>: node classification (GraphSAGE) or link prediction (DistMult) on a prepared
/// graph, in memory or from the partition buffer on disk; one line per epoch, test metrics at the end.</summary>
internal sealed class GraphTrainCommand(IAnsiConsole console) : SettingCommand<GraphTrainCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--graph <DIR>")]
        [Description("A folder prepared by graph preprocess.")]
        public string Graph { get; init; } = "";

        [CommandOption("--task <TASK>")]
        [Description("nc or lp; must match the graph (default: the graph's).")]
        public string? Task { get; init; }

        [CommandOption("--model <MODEL>")]
        [Description("nc: graphsage; lp: distmult (default) or graphsage (a GraphSAGE encoder under DistMult).")]
        public string? Model { get; init; }

        [CommandOption("--storage <STORAGE>")]
        [Description("memory or disk (default memory).")]
        public string Storage { get; init; } = "memory";

        [CommandOption("--memory-budget <BYTES>")]
        [Description("Disk: memory for the buffer and training, e.g. 64MiB; sets the capacity c.")]
        public string? MemoryBudget { get; init; }

        [CommandOption("--buffer-capacity <C>")]
        [Description("Disk without a budget: partitions in memory (default p/4).")]
        public int? Capacity { get; init; }

        [CommandOption("--ordering <ORDERING>")]
        [Description("sequential (nc), beta or comet (default: sequential for nc, comet for lp).")]
        public string? Ordering { get; init; }

        [CommandOption("--fine-to-coarse <L>")]
        [Description("COMET: physical partitions per logical one (default 4).")]
        [DefaultValue(4)]
        public int FineToCoarse { get; init; } = 4;

        [CommandOption("--epochs <N>")]
        [DefaultValue(5)]
        public int Epochs { get; init; } = 5;

        [CommandOption("--batch-size <N>")]
        [DefaultValue(1000)]
        public int BatchSize { get; init; } = 1000;

        [CommandOption("--learning-rate <LR>")]
        [Description("Default 0.003 (Adam, nc) or 0.1 (Adagrad, lp).")]
        public double? LearningRate { get; init; }

        [CommandOption("--fanouts <LIST>")]
        [Description("Neighbours per hop from the targets out, one per GraphSAGE layer (1-3), e.g. 15,10,5 " +
            "(default all,all for nc, all for the lp encoder).")]
        public string? Fanouts { get; init; }

        [CommandOption("--hidden <N>")]
        [DefaultValue(128)]
        public int Hidden { get; init; } = 128;

        [CommandOption("--aggregator <NAME>")]
        [Description("nc: mean (GraphSAGE-mean, default) or gcn (DGL's SAGEConv 'gcn').")]
        [DefaultValue("mean")]
        public string Aggregator { get; init; } = "mean";

        [CommandOption("--self-loops")]
        [Description("nc: every node is also its own neighbour (DGL's AddSelfLoop).")]
        public bool SelfLoops { get; init; }

        [CommandOption("--dropout <P>")]
        [DefaultValue(0.0)]
        public double Dropout { get; init; }

        [CommandOption("--weight-decay <W>")]
        [DefaultValue(0.0)]
        public double WeightDecay { get; init; }

        [CommandOption("--dimension <D>")]
        [Description("lp: embedding dimension (default 50).")]
        [DefaultValue(50)]
        public int Dimension { get; init; } = 50;

        [CommandOption("--eval-negatives <N>")]
        [Description("lp evaluation: 0 ranks all nodes, filtered; N > 0 ranks against N sampled nodes, unfiltered " +
            "(default: filtered up to 100,000 nodes, else 1000).")]
        public int? EvaluationNegatives { get; init; }

        [CommandOption("--negatives <N>")]
        [Description("lp: negatives per chunk (default 500).")]
        [DefaultValue(500)]
        public int Negatives { get; init; } = 500;

        [CommandOption("--chunks <N>")]
        [DefaultValue(10)]
        public int Chunks { get; init; } = 10;

        [CommandOption("--degree-fraction <F>")]
        [DefaultValue(0.0)]
        public double DegreeFraction { get; init; }

        [CommandOption("--one-vs-all")]
        [Description("lp: rank each training edge against every resident node (softmax cross-entropy, LibKGE's " +
            "1vsAll) instead of the chunks' sampled negatives.")]
        public bool OneVsAll { get; init; }

        [CommandOption("--relation-optimizer <NAME>")]
        [Description("lp: adagrad (default) or adam for the relation vectors (and the encoder).")]
        [DefaultValue("adagrad")]
        public string RelationOptimizer { get; init; } = "adagrad";

        [CommandOption("--init-std <S>")]
        [Description("lp: standard deviation of the initial node embeddings (default 0.001).")]
        [DefaultValue(0.001)]
        public double InitialStd { get; init; } = 0.001;

        [CommandOption("--embedding-dropout <P>")]
        [Description("lp: dropout on the scored node embeddings in training.")]
        [DefaultValue(0.0)]
        public double EmbeddingDropout { get; init; }

        [CommandOption("--relation-dropout <P>")]
        [Description("lp: dropout on the relation vectors in training.")]
        [DefaultValue(0.0)]
        public double RelationDropout { get; init; }

        [CommandOption("--regularizer <NAME>")]
        [Description("lp: n3 (default) or l2, weighted by --regularization-weight.")]
        [DefaultValue("n3")]
        public string Regularizer { get; init; } = "n3";

        [CommandOption("--regularization-weight <W>")]
        [Description("lp: weight of the penalty on each training edge's vectors (default 0: none).")]
        [DefaultValue(0.0)]
        public double RegularizationWeight { get; init; }

        [CommandOption("--throttle-mbps <MBPS>")]
        [Description("Disk: emulate a disk of this bandwidth (MB/s).")]
        public double? ThrottleMbps { get; init; }

        [CommandOption("--throttle-latency-ms <MS>")]
        [Description("Disk: add this latency to every request.")]
        public double? ThrottleLatency { get; init; }

        [CommandOption("--checkpoint <PATH>")]
        [Description("Write the model and optimiser after each epoch (lp: also the embeddings, to PATH.nodes).")]
        public string? Checkpoint { get; init; }

        [CommandOption("--resume")]
        [Description("Continue from --checkpoint after its epoch, up to --epochs.")]
        public bool Resume { get; init; }

        [CommandOption("--threads <N>")]
        [DefaultValue(1)]
        public int Threads { get; init; } = 1;

        public override string? OptionFor(string setting) => setting switch
        {
            "memory-budget" or "epochs" or "batch-size" or "learning-rate" or "negatives" or "degree-fraction"
                or "dimension" or "fine-to-coarse" => $"--{setting}",
            "evaluation-negatives" => "--eval-negatives",
            "resume" => "--resume",
            "one-vs-all" => "--one-vs-all",
            "embedding-dropout" or "regularization-weight" or "init-std" => $"--{setting}",
            "capacity" => "--buffer-capacity",
            "fanouts" => "--fanouts",
            _ => null,
        };
    }

    protected override int Run(Settings s, CancellationToken cancellation)
    {
        var layout = GraphLayout.Open(s.Graph);
        var nc = layout.Meta.Task == GraphTask.NodeClassification;
        if (s.Task is { } task && task != (nc ? "nc" : "lp"))
            throw new BadInputException($"--task: the graph '{s.Graph}' was prepared for {(nc ? "nc" : "lp")}");
        if (s.Model is { } model && (model is not ("graphsage" or "distmult") || nc && model == "distmult"))
            throw new BadInputException($"--model: '{model}': nc trains graphsage, lp distmult or graphsage " +
                "(a GraphSAGE encoder under DistMult)");
        var encoder = !nc && s.Model == "graphsage";
        if (s.Storage is not ("memory" or "disk"))
            throw new BadInputException($"--storage: '{s.Storage}' is neither memory nor disk");
        var options = new GraphTrainingOptions
        {
            Disk = s.Storage == "disk",
            Ordering = BufferOrderings.Catalog.Get(s.Ordering ?? (nc ? "sequential" : "comet")),
            MemoryBudget = s.MemoryBudget is null ? null : ParseBytes(s.MemoryBudget),
            Capacity = s.Capacity, FineToCoarse = s.FineToCoarse, Epochs = s.Epochs, BatchSize = s.BatchSize,
            LearningRate = s.LearningRate ?? (nc ? 0.003 : 0.1), SageEncoder = encoder,
            Fanouts = Fanout.Parse(s.Fanouts ?? (encoder ? "all" : "all,all"), "fanouts"),
            Hidden = s.Hidden, Aggregator = GraphSage.Aggregators.Get(s.Aggregator), SelfLoops = s.SelfLoops,
            Dropout = s.Dropout, WeightDecay = s.WeightDecay, Dimension = s.Dimension,
            Negatives = s.Negatives, Chunks = s.Chunks, DegreeFraction = s.DegreeFraction,
            EvaluationNegatives = s.EvaluationNegatives, AllNegatives = s.OneVsAll,
            RelationOptimizer = GraphTrainingOptions.RelationOptimizers.Get(s.RelationOptimizer),
            InitialStd = s.InitialStd, EmbeddingDropout = s.EmbeddingDropout, RelationDropout = s.RelationDropout,
            Regularizer = GraphTrainingOptions.Regularizers.Get(s.Regularizer),
            RegularizationWeight = s.RegularizationWeight,
            Throttle = s.ThrottleMbps is null && s.ThrottleLatency is null ? null
                : new DiskThrottle(s.ThrottleMbps ?? 0, s.ThrottleLatency ?? 0),
            CheckpointPath = s.Checkpoint, Resume = s.Resume, Threads = s.Threads,
        };
        var metric = nc ? "valid accuracy" : "valid MRR";
        var progress = new Progress<GraphEpoch>();
        var result = GraphTrainer.Run(layout, options, new SeedTree(s.Seed),
            new SynchronousReporter(e =>
            {
                if (!s.JsonOnConsole)
                    console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {e.Epoch}: loss {e.Loss:0.0000}, {metric} {e.Validation:0.0000}, {e.Seconds:0.00} s " +
                        $"(I/O wait {e.IoWaitSeconds:0.00} s), read {e.BytesRead / 1048576.0:0.#} MiB, written " +
                        $"{e.BytesWritten / 1048576.0:0.#} MiB, {e.States} state(s)"));
            }), cancellation);
        if (!s.JsonOnConsole)
            console.MarkupLine(string.Join(", ", result.Test.Select(kv => string.Create(CultureInfo.InvariantCulture,
                $"test {kv.Key} {kv.Value:0.0000}"))) + $"; buffer capacity {result.Capacity}");
        JsonOutput.Emit(console, s, JsonSerializer.Serialize(result, ResultJson.Options));
        return ExitCodes.Success;
    }

    /// <summary>"64MiB", "1.5GiB", "500MB" or plain bytes.</summary>
    internal static long ParseBytes(string text)
    {
        var units = new (string Suffix, double Factor)[]
        {
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("B", 1),
        };
        var t = text.Trim();
        var (suffix, factor) = units.FirstOrDefault(u => t.EndsWith(u.Suffix, StringComparison.OrdinalIgnoreCase),
            ("", 1));
        if (!double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !(value > 0))
            throw new BadInputException($"--memory-budget: '{text}' is not a size such as 64MiB or 1GB");
        return (long)(value * factor);
    }

    private sealed class SynchronousReporter(Action<GraphEpoch> report) : IProgress<GraphEpoch>
    {
        public void Report(GraphEpoch value) => report(value);
    }
}
