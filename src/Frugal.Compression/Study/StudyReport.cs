using System.Globalization;
using Frugal.Compression.Simulation;
using Frugal.Core.Results;

namespace Frugal.Compression.Study;

/// <summary>One cell of the summary: a method at a ratio, layout and link, averaged over seeds.</summary>
/// <param name="Method">The codec's name.</param>
/// <param name="Ratio">The target ratio (null for fixed-ratio methods).</param>
/// <param name="Parallelism">The layout.</param>
/// <param name="Link">The link.</param>
/// <param name="Metric">The validation metric with compression at inference.</param>
/// <param name="MetricUncompressed">The metric with compression off at inference.</param>
/// <param name="MetricChange">Relative change of the metric against none (positive: worse for perplexity).</param>
/// <param name="StepSeconds">Simulated step time.</param>
/// <param name="Speedup">none's step time ÷ this step time.</param>
/// <param name="CommunicationShare">Communication on the critical path ÷ step time.</param>
/// <param name="CodecShare">Codec time on the critical path ÷ step time.</param>
/// <param name="AchievedRatio">none's bytes per step ÷ these bytes.</param>
public sealed record SummaryCell(string Method, double? Ratio, string Parallelism, string Link, double Metric,
    double MetricUncompressed, double MetricChange, double StepSeconds, double Speedup, double CommunicationShare,
    double CodecShare, double AchievedRatio);

/// <summary>Turns a study's runs into tables, metrics and the design's plots (§6.5).</summary>
public static class StudyReport
{
    /// <summary>Summary cells: each (layout, link, method, ratio) averaged over seeds, against none.</summary>
    public static IReadOnlyList<SummaryCell> Summarise(IReadOnlyList<RunRecord> runs)
    {
        var cells = new List<SummaryCell>();
        var links = runs.SelectMany(r => r.Links.Select(l => l.Link)).Distinct().ToArray();
        foreach (var group in runs.GroupBy(r => (r.Key.Parallelism, r.Key.Method, r.Key.Ratio)))
            foreach (var link in links)
            {
                var rows = group.Select(r =>
                {
                    var none = runs.First(b => b.Key.Method == "none" && b.Key.Parallelism == r.Key.Parallelism &&
                                               b.Key.Seed == r.Key.Seed);
                    var mine = r.Links.First(l => l.Link == link);
                    var theirs = none.Links.First(l => l.Link == link);
                    return (Run: r, Mine: mine, Speedup: theirs.StepSeconds / mine.StepSeconds,
                        Change: (r.MetricCompressed - none.MetricCompressed) / none.MetricCompressed,
                        Achieved: none.BytesPerStep / r.BytesPerStep);
                }).ToArray();
                cells.Add(new SummaryCell(group.Key.Method, group.Key.Ratio, group.Key.Parallelism, link,
                    rows.Average(x => x.Run.MetricCompressed), rows.Average(x => x.Run.MetricUncompressed),
                    rows.Average(x => x.Change), rows.Average(x => x.Mine.StepSeconds), rows.Average(x => x.Speedup),
                    rows.Average(x => x.Mine.CommunicationShare),
                    rows.Average(x => x.Mine.CodecSeconds / x.Mine.StepSeconds), rows.Average(x => x.Achieved)));
            }
        return cells;
    }

    /// <summary>The best speedup at <paramref name="link"/> among cells whose metric is within
    /// <paramref name="tolerance"/> (relative) of none's, or null.</summary>
    public static SummaryCell? BestWithin(IReadOnlyList<SummaryCell> cells, string link, double tolerance,
        bool lowerIsBetter, string? parallelism = null) =>
        cells.Where(c => c.Link == link && c.Method != "none" && (parallelism is null || c.Parallelism == parallelism)
                         && (lowerIsBetter ? c.MetricChange : -c.MetricChange) <= tolerance)
            .MaxBy(c => c.Speedup);

    /// <summary>Fills <paramref name="result"/> with the study's parameters, tables, metrics and charts.</summary>
    public static ExperimentResult Fill(ExperimentResult result, StudySettings settings, IReadOnlyList<RunRecord> runs)
    {
        result.WithParameter("methods", string.Join(",", settings.MethodsRun))
            .WithParameter("ratios", string.Join(",", settings.Ratios))
            .WithParameter("parallelism", string.Join(",", settings.Parallelism))
            .WithParameter("links", string.Join(",", settings.Links))
            .WithParameter("seeds", settings.Seeds).WithParameter("steps", settings.Steps)
            .WithParameter("warm-up steps", settings.Warmup)
            .WithParameter("model", $"{settings.Layers} layers, h={settings.Hidden}, {settings.Heads} heads, " +
                                    $"s={settings.Sequence}")
            .WithParameter("micro-batches", $"{settings.MicroBatches} × {settings.MicroBatchSize}")
            .WithParameter("data", settings.Data).WithParameter("schedule", settings.Schedule)
            .WithParameter("tensor-parallel start layer", settings.StartLayer?.ToString(CultureInfo.InvariantCulture)
                                                          ?? "later half")
            .WithParameter("torch threads", settings.Threads)
            .WithParameter("machine", $"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        var cells = Summarise(runs);
        var metricName = runs[0].Metric;
        var lowerIsBetter = metricName == "perplexity";
        var summary = new RecordTable("summary", [
            new Column("layout", ColumnKind.Text), new Column("link", ColumnKind.Text),
            new Column("method", ColumnKind.Text), new Column("ratio"), new Column(metricName),
            new Column($"{metricName} uncompressed at inference"), new Column("metric change", Unit: "%"),
            new Column("step", Unit: "ms"), new Column("speedup"), new Column("communication share"),
            new Column("codec share"), new Column("achieved ratio"),
        ]);
        foreach (var c in cells.OrderBy(c => c.Parallelism).ThenBy(c => c.Link).ThenBy(c => c.Method))
            summary.Add(c.Parallelism, c.Link, c.Method, c.Ratio, c.Metric, c.MetricUncompressed,
                100 * c.MetricChange, 1000 * c.StepSeconds, c.Speedup, c.CommunicationShare, c.CodecShare,
                c.AchievedRatio);
        result.Records.Add(summary);
        var runTable = new RecordTable("runs", [
            new Column("layout", ColumnKind.Text), new Column("method", ColumnKind.Text), new Column("ratio"),
            new Column("seed"), new Column("codec", ColumnKind.Text), new Column(metricName),
            new Column($"{metricName} uncompressed at inference"), new Column("final loss"),
            new Column("bytes per step", Unit: "B"),
        ]);
        foreach (var r in runs)
            runTable.Add(r.Key.Parallelism, r.Key.Method, r.Key.Ratio, r.Key.Seed, r.Codec, r.MetricCompressed,
                r.MetricUncompressed, r.FinalLoss, r.BytesPerStep);
        result.Records.Add(runTable);
        foreach (var link in settings.Links.Select(l => LinkModel.Parse(l).ToString()))
        {
            if (BestWithin(cells, link, 0.05, lowerIsBetter) is { } best)
                result.WithMetric($"best speedup within 5% at {link}", best.Speedup, "x");
            result.Charts.Add(Pareto(cells, link, metricName, lowerIsBetter));
        }
        var slowest = settings.Links.Select(LinkModel.Parse).MinBy(l => l.BytesPerSecond)!.ToString();
        result.Charts.Add(ShareVsRatio(cells, slowest));
        result.Charts.Add(CodecOverhead(cells, slowest));
        result.Summary = $"{runs.Count} runs; speedups are simulated step times against none on the same layout and " +
                         "link, from measured compute and codec times and modelled links.";
        return result;
    }

    private static Chart Pareto(IReadOnlyList<SummaryCell> cells, string link, string metric, bool lowerIsBetter)
    {
        var series = cells.Where(c => c.Link == link).GroupBy(c => c.Method).Select(g =>
        {
            var front = new List<SummaryCell>();
            foreach (var c in g.OrderBy(c => c.StepSeconds))
                if (front.Count == 0 || (lowerIsBetter ? c.Metric < front[^1].Metric : c.Metric > front[^1].Metric))
                    front.Add(c);
            return new Series(g.Key, [.. front.Select(c => 1000 * c.StepSeconds)], [.. front.Select(c => c.Metric)]);
        }).ToArray();
        return new Chart($"pareto-{Slug(link)}", ChartKind.Line, $"{metric} vs simulated step time at {link} " +
            "(Pareto front per method)", "simulated step time (ms)", metric, series);
    }

    private static Chart ShareVsRatio(IReadOnlyList<SummaryCell> cells, string link)
    {
        var series = cells.Where(c => c.Link == link).GroupBy(c => c.Method).Select(g =>
        {
            var points = g.GroupBy(c => c.Ratio).Select(r => (X: r.Average(c => c.AchievedRatio),
                Y: r.Average(c => c.CommunicationShare))).OrderBy(p => p.X).ToArray();
            return new Series(g.Key, [.. points.Select(p => p.X)], [.. points.Select(p => p.Y)]);
        }).ToArray();
        return new Chart("communication-share", ChartKind.Scatter, $"communication share vs achieved ratio at {link}",
            "achieved compression ratio", "communication share of the step", series)
        { LogX = true };
    }

    private static Chart CodecOverhead(IReadOnlyList<SummaryCell> cells, string link)
    {
        var methods = cells.Where(c => c.Link == link).GroupBy(c => c.Method).ToArray();
        return new Chart("codec-overhead", ChartKind.Bar, $"codec time share of the step at {link}", "method",
            "codec share of the step", [new Series("codec share", [.. methods.Select((_, i) => (double)i)],
                [.. methods.Select(g => g.Average(c => c.CodecShare))])])
        {
            Categories = [.. methods.Select(g => g.Key)],
        };
    }

    private static string Slug(string link) => link.Replace("/", "-").Replace(".", "_");
}
