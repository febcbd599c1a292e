using System.Globalization;
using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Spectre.Console;

namespace Frugal.Cli.Rendering;

/// <summary>Results as terminal tables.</summary>
internal static class ResultView
{
    private const int MaxRows = 20;

    /// <summary>
    /// A result on the terminal: its summary, then its first record table (the headline one by
    /// convention) or, without tables, its metrics. Everything else is in the JSON, CSV and report.
    /// </summary>
    public static void Result(IAnsiConsole console, ExperimentResult result)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(result.Title)}[/] [grey]({Markup.Escape(result.Name)})[/]")
            .LeftJustified());
        if (result.Summary is { } summary) console.WriteLine(summary);
        if (result.Records.Count > 0)
        {
            Records(console, result.Records[0]);
            if (result.Records.Count > 1)
            {
                var more = result.Records.Count - 1;
                console.MarkupLineInterpolated(
                    $"[grey]{more} more tables and {result.Metrics.Count} metrics in results/{result.Name}.*[/]");
            }
            return;
        }
        var metrics = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var m in result.Metrics) metrics.AddRow(Markup.Escape(m.Name), Markup.Escape(m.Display()));
        console.Write(metrics);
    }

    public static void Records(IAnsiConsole console, RecordTable records)
    {
        var table = new Table().Title(Markup.Escape(records.Name));
        foreach (var c in records.Columns)
        {
            var column = new TableColumn(Markup.Escape(ResultMarkdown.Heading(c)));
            table.AddColumn(c.Kind == ColumnKind.Number ? column.RightAligned() : column);
        }
        foreach (var row in records.Rows.Take(MaxRows))
            table.AddRow(row.Select(cell => Markup.Escape(ResultMarkdown.CellText(cell))).ToArray());
        if (records.Rows.Count > MaxRows) table.Caption($"{records.Rows.Count - MaxRows} more rows in the CSV");
        console.Write(table);
    }

    /// <summary>Each result, then one line per experiment and where the report is.</summary>
    public static void Summary(IAnsiConsole console, ReproductionSummary summary)
    {
        foreach (var result in summary.Outcomes.Select(o => o.Result).OfType<ExperimentResult>()) Result(console,
            result);

        var table = new Table().Title("[bold]reproduce[/]").AddColumns("experiment", "status", "time", "headline");
        foreach (var o in summary.Outcomes)
        {
            var headline =
                o.Result is { } r ? string.Join("; ", r.Metrics.Take(3).Select(m => $"{m.Name} = {m.Display()}"))
                : o.Error ?? "";
            table.AddRow(Markup.Escape(o.Experiment.Name), o.Succeeded ? "[green]ok[/]" : "[red]failed[/]",
                o.Duration.TotalSeconds.ToString("0.0 's'", CultureInfo.InvariantCulture), Markup.Escape(headline));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"Report: [link]{summary.ReportPath}[/]");
        console.MarkupLineInterpolated($"Results: {summary.ResultsDirectory}");
    }
}
