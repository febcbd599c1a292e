using System.ComponentModel;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Graph.Layout;
using Frugal.Graph.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Graph;

/// <summary><c>frugal graph preprocess</c>: a graph in one of the input formats (or generated) into the on-disk
/// layout of partitions and edge buckets, written atomically.</summary>
internal sealed class GraphPreprocessCommand(IAnsiConsole console) : SettingCommand<GraphPreprocessCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--input <PATH>")]
        [Description("The input: a folder (planetoid: cora.*.txt; triples: train/valid/test.txt; ogb: raw/, " +
            "split/time/) or a file (edges).")]
        public string? Input { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("planetoid, triples, ogb (raw ogbn-arxiv layout), edges, synthetic-nc (stochastic block " +
            "model) or synthetic-lp (power law).")]
        public string Format { get; init; } = "edges";

        [CommandOption("--partitions <P>")]
        [Description("Node partitions p (default 16).")]
        [DefaultValue(16)]
        public int Partitions { get; init; } = 16;

        [CommandOption("--nodes <N>")]
        [Description("Synthetic graphs: nodes. Edge lists: the node count (ids must lie below it).")]
        public int? Nodes { get; init; }

        [CommandOption("--edges <E>")]
        [Description("synthetic-lp: edges (default 10 per node).")]
        public long? Edges { get; init; }

        [CommandOption("--relations <R>")]
        [Description("synthetic-lp: relations (default 10).")]
        [DefaultValue(10)]
        public int Relations { get; init; } = 10;

        [CommandOption("--features <F>")]
        [Description("synthetic-nc: feature dimension (default 32).")]
        [DefaultValue(32)]
        public int Features { get; init; } = 32;

        [CommandOption("--classes <K>")]
        [Description("synthetic-nc: classes (default 8).")]
        [DefaultValue(8)]
        public int Classes { get; init; } = 8;

        [CommandOption("--degree <D>")]
        [Description("synthetic-nc: mean degree (default 10).")]
        [DefaultValue(10.0)]
        public double Degree { get; init; } = 10;

        [CommandOption("--max-edges-in-memory <N>")]
        [Description("Edges held in memory while sorting into buckets; beyond it runs are sorted on disk and merged.")]
        [DefaultValue(GraphPreprocessor.DefaultMaxEdgesInMemory)]
        public int MaxEdgesInMemory { get; init; } = GraphPreprocessor.DefaultMaxEdgesInMemory;

        public override string? OptionFor(string setting) => setting switch
        {
            "partitions" => "--partitions",
            "out" => "--out",
            _ => null,
        };
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var seeds = new SeedTree(settings.Seed);
        var source = Source(settings, seeds);
        var report = GraphPreprocessor.Run(source, settings.Out, settings.Partitions, seeds.Child("preprocess"),
            Math.Max(1, settings.MaxEdgesInMemory), cancellation);
        if (!settings.JsonOnConsole)
        {
            var m = report.Meta;
            console.MarkupLine($"prepared [bold]{Markup.Escape(settings.Out)}[/]: {m.Nodes:N0} nodes, {m.Edges:N0} " +
                $"training edges, {m.Relations} relation(s), p = {m.Partitions} (S = {m.PartitionSize:N0}), " +
                $"{report.BytesWritten / 1048576.0:0.#} MiB, {report.SpilledRuns} sort run(s) on disk");
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(report, ResultJson.Options));
        return ExitCodes.Success;
    }

    private static GraphSource Source(Settings s, SeedTree seeds)
    {
        string Input() => s.Input ?? throw new BadInputException($"--input: the {s.Format} format reads a " +
            "file or folder; name it");
        int Nodes() => s.Nodes ?? throw new BadInputException($"--nodes: the {s.Format} format needs a node count");
        return s.Format switch
        {
            "planetoid" => new PlanetoidSource(Input()),
            "triples" => new TriplesSource(Input()),
            "ogb" => new OgbSource(Input()),
            "edges" => new EdgeListSource(Input(), s.Nodes, seeds.SeedOf("split")),
            "synthetic-nc" => new StochasticBlockSource(Nodes(), s.Classes, s.Degree, s.Features, seeds.Child("graph")),
            "synthetic-lp" => new PowerLawSource(Nodes(), s.Edges ?? 10L * Nodes(), s.Relations, seeds.Child("graph")),
            _ => throw new BadInputException($"--format: '{s.Format}' is not one of planetoid, triples, ogb, edges, " +
                "synthetic-nc, synthetic-lp"),
        };
    }
}
