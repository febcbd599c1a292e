using System.Globalization;
using Frugal.Core.IO;
using Frugal.Core.Plotting;
using Frugal.Core.Results;

namespace Frugal.Bench;

/// <summary>
/// The benchmark's plots, drawn from its rows: throughput per 1-second window for each workload
/// (at the first budget), with frugal's compaction rounds marked; each window against its run's
/// mean, with the stall line; and — when the run swept several budgets — throughput against the
/// budget, a line per store and workload.
/// </summary>
public static class BenchPlots
{
    /// <summary>Writes the PNGs into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<BenchRow> rows)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        void Save(Chart chart)
        {
            var path = Path.Combine(directory, chart.Name + ".png");
            AtomicFile.WriteAllBytes(path, ChartRenderer.RenderPng(chart, 1000, 560));
            written.Add(path);
        }
        var fractions = rows.Select(r => r.MemoryFraction).Distinct().ToList();
        foreach (var workload in rows.Select(r => r.Workload).Distinct())
        {
            var at = rows.Where(r =>
                r.Workload == workload && r.MemoryFraction == fractions[0] && r.Timeline is { Count: > 0 }).ToList();
            if (at.Count == 0) continue;
            Save(Timeline(workload, fractions[0], at));
            Save(Windows(workload, fractions[0], at));
        }
        if (fractions.Count > 1) Save(Sweep(rows));
        return written;
    }

    /// <summary>
    /// Throughput per 1-second window for each store; frugal's compaction rounds as a marker line that
    /// stands at a tenth of the highest throughput in every interval where a round completed
    /// (zero elsewhere) — the chart model has lines, not annotations.
    /// </summary>
    public static Chart Timeline(string workload, double fraction, IReadOnlyList<BenchRow> rows)
    {
        var series =
            rows.Select(r =>
            new Series(r.Store, r.Timeline!.Select(p => p.Seconds).ToArray(),
            r.Timeline!.Select(p => p.OpsPerSecond / 1e3).ToArray())).ToList();
        var peak = series.Max(s => s.Y.DefaultIfEmpty(0).Max());
        foreach (var r in rows.Where(r => r.Timeline!.Any(p => p.CompactionRounds is not null)))
            series.Add(new Series($"{r.Store} compaction round (marker)", r.Timeline!.Select(p => p.Seconds).ToArray(),
                r.Timeline!.Select(p => p.CompactionRounds > 0 ? peak / 10 : 0).ToArray()));
        return new Chart($"timeline-{workload}", ChartKind.Line,
            $"YCSB-{workload}: throughput over time, budget " +
            $"1/{(1 / fraction).ToString("0.##", CultureInfo.InvariantCulture)} of the data",
            "seconds into the run", "Kops/s", series);
    }

    /// <summary>
    /// The write-stall check drawn: each store's 1-second windows as a fraction of its run's mean throughput, and the
    /// line below which a window is a stall (<see cref="ThroughputWindows.StallFraction"/>).
    /// </summary>
    public static Chart Windows(string workload, double fraction, IReadOnlyList<BenchRow> rows)
    {
        var series = rows.Select(r => new Series(r.Store, r.Timeline!.Select(p => p.Seconds).ToArray(),
            r.Timeline!.Select(p => p.OpsPerSecond / r.OpsPerSec).ToArray())).ToList();
        var end = rows.Max(r => r.Timeline!.Max(p => p.Seconds));
        series.Add(new Series($"stall line ({ThroughputWindows.StallFraction:P0} of the mean)", [0, end],
            [ThroughputWindows.StallFraction, ThroughputWindows.StallFraction]));
        return new Chart($"windows-{workload}", ChartKind.Line,
            $"YCSB-{workload}: 1-second windows against the run's mean, budget " +
            $"1/{(1 / fraction).ToString("0.##", CultureInfo.InvariantCulture)} of the data",
            "seconds into the run", "window throughput / run mean", series);
    }

    /// <summary>
    /// Throughput against the memory budget (as a fraction of the data, log scale), a line per store and workload.
    /// </summary>
    public static Chart Sweep(IReadOnlyList<BenchRow> rows)
    {
        var series = rows.GroupBy(r => (r.Store, r.Workload))
            .Select(g => g.OrderBy(r => r.MemoryFraction).ToList())
            .Select(g =>
                new Series($"{g[0].Store} {g[0].Workload}", g.Select(r => r.MemoryFraction).ToArray(),
                g.Select(r => r.OpsPerSec / 1e3).ToArray()))
            .ToList();
        return new Chart("throughput-vs-budget", ChartKind.Line, "Throughput against the memory budget",
            "memory budget (fraction of the data)", "Kops/s", series)
        {
            LogX = true,
        };
    }
}
