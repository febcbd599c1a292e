using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Plotting;
using Frugal.Core.Results;
using Frugal.Gpu.Analysis;
using Frugal.Gpu.Measurements;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Gpu;

/// <summary>
/// <c>frugal gpu analyze</c>: the variation statistics per app and cluster of survey records or the study's aggregated
/// CSVs, two plots, and optionally a PAL GPU table.
/// </summary>
internal sealed class GpuAnalyzeCommand(IAnsiConsole console) : SettingCommand<GpuAnalyzeCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--input <PATH>")]
        [Description("A run table (CSV: survey records or the study's *-agg.csv) or a folder of them.")]
        public string? Input { get; init; }

        [CommandOption("--app <NAME>")]
        [Description("Only this application (the exp/model column, e.g. resnet, bert, pagerank, sgemm).")]
        public string? App { get; init; }

        [CommandOption("--cluster <NAME>")]
        [Description("Only this cluster (longhorn, frontera, lonestar6, or a survey's label).")]
        public string? Cluster { get; init; }

        [CommandOption("--export <FILE>")]
        [Description("Write a PAL GPU table (PerfVar_class* columns) for one cluster to FILE.")]
        public string? Export { get; init; }

        [CommandOption("--classes <MAP>")]
        [Description("Class → app for --export, e.g. A=resnet,B=bert,C=bert,D=pagerank (default A=the one app).")]
        public string? Classes { get; init; }

        protected override bool WritesOutputFolder => true;

        public override string? OptionFor(string setting) =>
            setting switch { "classes" => "--classes", "cluster" => "--cluster", _ => null };

        public override ValidationResult Validate()
        {
            if (Input is null) return ValidationResult.Error("--input: name a run table or a folder of them.");
            if (Export is not null && OutputPaths.FileProblem(Export, createsFolder: false) is { } problem)
                return ValidationResult.Error($"--export: {problem}.");
            return base.Validate();
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var runs = RunTableReader.Read(settings.Input!)
            .Where(r => settings.App is null || string.Equals(r.App, settings.App, StringComparison.OrdinalIgnoreCase))
            .Where(r => settings.Cluster is null ||
                        string.Equals(r.Cluster, settings.Cluster, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (runs.Length == 0)
            throw new BadInputException($"{settings.Input}: no run matches the app and cluster asked for");
        var summaries = VariationStatistics.ByAppAndCluster(runs);
        Directory.CreateDirectory(settings.Out);
        var charts = new[] { VariationCharts.Distribution(summaries), VariationCharts.RatioVersusClock(summaries) }
            .Where(c => c.Series.Count > 0).ToArray();
        foreach (var chart in charts)
            AtomicFile.WriteAllBytes(Path.Combine(settings.Out, chart.Name + ".png"), ChartRenderer.RenderPng(chart));
        var exported = settings.Export is { } path ? Export(path, settings.Classes, summaries) : null;

        if (!settings.JsonOnConsole)
        {
            console.Write(Table(summaries));
            console.MarkupLine(Markup.Escape(
                "r = median of a GPU's runs / median of all runs; outliers: r > Q3 + 1.5·IQR; ρ: Spearman. " +
                $"Plots: {string.Join(", ", charts.Select(c => Path.Combine(settings.Out, c.Name + ".png")))}"));
            if (exported is { } e) console.MarkupLine(Markup.Escape(e));
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(summaries.Select(s => new SummaryJson(s.App,
            s.Cluster, s.Gpus.Count, s.RunCount, s.Median, s.Iqr, s.Min, s.Max, s.Range, s.OutlierShare,
            s.SpearmanClock, s.SpearmanPower, s.SpearmanTemperature)).ToArray(), ResultJson.Options));
        return ExitCodes.Success;
    }

    private static string Export(string path, string? classes, IReadOnlyList<VariationSummary> summaries)
    {
        var clusters = summaries.Select(s => s.Cluster).Distinct().ToArray();
        if (clusters.Length != 1)
            throw new BadInputException(
                $"a GPU table describes one cluster; the runs hold {string.Join(", ", clusters)} " +
                "(choose with the cluster)",
                "cluster");
        var map = PalClassMap.Parse(classes, summaries.Select(s => s.App).ToArray());
        var leftOut =
            PalTableExport.Write(path, [.. map.Select(m => (m.Class, summaries.Single(s => s.App == m.App)))]);
        return $"GPU table: {path} ({string.Join(", ", map.Select(m => $"class{m.Class}={m.App}"))}" +
               (leftOut > 0 ? $"; {leftOut} GPUs without every class left out)" : ")");
    }

    private static Table Table(IReadOnlyList<VariationSummary> summaries)
    {
        var table = new Table().AddColumns("app", "cluster", "GPUs", "runs", "median r", "IQR", "max−min", "max r",
            "outliers", "ρ clock", "ρ power", "ρ temp");
        static string F(double? v, string format = "0.000") =>
            v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "–";
        foreach (var s in summaries)
            table.AddRow(Markup.Escape(s.App), Markup.Escape(s.Cluster),
                s.Gpus.Count.ToString(CultureInfo.InvariantCulture),
                s.RunCount.ToString(CultureInfo.InvariantCulture), F(s.Median), F(s.Iqr), F(s.Range), F(s.Max),
                F(100 * s.OutlierShare, "0.0") + "%", F(s.SpearmanClock, "0.00"), F(s.SpearmanPower, "0.00"),
                F(s.SpearmanTemperature, "0.00"));
        return table;
    }

    private sealed record SummaryJson(string App, string Cluster, int Gpus, int Runs, double MedianRatio, double Iqr,
        double MinRatio, double MaxRatio, double Range, double OutlierShare, double? SpearmanClock,
        double? SpearmanPower, double? SpearmanTemperature);
}
