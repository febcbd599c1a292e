using System.Globalization;
using Frugal.Scheduling.Simulation;
using Spectre.Console;

namespace Frugal.Cli.Commands.Schedule;

/// <summary>A simulation's metrics as a terminal table.</summary>
internal static class ScheduleView
{
    public static void Metrics(IAnsiConsole console, SimulationResult result, string trace)
    {
        var m = result.Metrics;
        var table =
            new Table()
            .Title(Markup.Escape($"{result.Policy} · {result.Jobs.Count} jobs of {trace} · {result.Cluster}"))
            .AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(name, value);
        Row("makespan", F(m.MakespanHours) + " h");
        Row("average JCT", F(m.AverageJctHours) + " h");
        Row("geometric-mean JCT", F(m.GeometricMeanJctSeconds / 3600) + " h");
        Row("worst finish-time fairness ρ", F(m.WorstRho));
        Row("unfair jobs (ρ > 1.05)", F(100 * m.UnfairFraction) + " %");
        Row("worst Themis-style ρ", F(m.WorstThemisRho));
        Row("utilisation", F(m.Utilization));
        Row("contention factor", F(m.ContentionFactor));
        Row("rounds", result.Rounds.Count.ToString(CultureInfo.InvariantCulture));
        Row("simulation time", F(result.WallTime.TotalSeconds) + " s");
        foreach (var (name, value) in result.SchedulerStatistics) Row(Markup.Escape(name.Replace('_', ' ')), F(value));
        console.Write(table);
    }

    /// <summary>
    /// One row per policy; where the paper published a value for the setting it follows ours in parentheses.
    /// </summary>
    public static void Comparison(IAnsiConsole console, IReadOnlyList<SimulationResult> runs,
        IReadOnlyDictionary<string, Scheduling.Reporting.PublishedRow>? published)
    {
        var table = new Table().AddColumn("policy");
        foreach (var heading in new[] { "makespan h", "avg JCT h", "worst ρ", "unfair %", "util", "sim s" })
            table.AddColumn(new TableColumn(heading).RightAligned());
        foreach (var run in runs)
        {
            var m = run.Metrics;
            var p = published?.GetValueOrDefault(run.Policy);
            string Cell(double ours, double? paper) => F(ours) + (paper is { } v ? $" [grey]({F(v)})[/]" : "");
            table.AddRow(Markup.Escape(run.Policy), Cell(m.MakespanHours, p?.MakespanHours),
                Cell(m.AverageJctHours, p?.AverageJctHours),
                Cell(m.WorstRho, p?.WorstRho), Cell(100 * m.UnfairFraction, p?.UnfairPercent),
                    Cell(m.Utilization, p?.Utilization), F(run.WallTime.TotalSeconds));
        }
        if (published is not null) table.Caption("(in parentheses: the paper's simulated values for this trace)");
        console.Write(table);
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
