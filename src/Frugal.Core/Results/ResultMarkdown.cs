using System.Text;

namespace Frugal.Core.Results;

/// <summary>Markdown renderings of results, for terminals, notes and bench/results tables.</summary>
public static class ResultMarkdown
{
    /// <summary>A GitHub-flavoured Markdown table; pipes in cells are escaped.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", header.Select(Cell)).Append(" |\n");
        sb.Append('|').AppendJoin("|", header.Select(_ => "---")).Append("|\n");
        foreach (var row in rows) sb.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>
    /// The whole result: title, summary, parameters, metrics, and each record table (up to <paramref name="maxRows"/>
    /// rows).
    /// </summary>
    public static string Render(ExperimentResult result, int maxRows = 50)
    {
        var sb = new StringBuilder();
        sb.Append("## ").Append(result.Title).Append(" (`").Append(result.Name).Append("`)\n\n");
        if (result.Summary is { } summary) sb.Append(summary).Append("\n\n");
        if (result.Parameters.Count > 0)
            sb.Append("Parameters: ").AppendJoin(", ", result.Parameters.Select(p => $"`{p.Key}={p.Value}`"))
                .Append("\n\n");
        if (result.Metrics.Count > 0)
            sb.Append(Table(["metric", "value"],
                result.Metrics.Select(m => (IReadOnlyList<string>)[m.Name, m.Display()]))).Append('\n');
        foreach (var table in result.Records)
        {
            sb.Append("### ").Append(table.Name).Append("\n\n");
            sb.Append(Table(table.Columns.Select(Heading).ToArray(),
                table.Rows.Take(maxRows).Select(r => (IReadOnlyList<string>)r.Select(CellText).ToArray())));
            if (table.Rows.Count > maxRows) sb.Append($"\n({table.Rows.Count - maxRows} more rows in the CSV)\n");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A column heading with its unit, e.g. <c>jct (s)</c>.</summary>
    public static string Heading(Column column) => column.Unit is null ? column.Name : $"{column.Name} ({column.Unit})";

    /// <summary>A cell as people read it: numbers to four significant digits, missing as a dash.</summary>
    public static string CellText(object? cell) => cell switch
    {
        null => "–",
        double d => Format.Number(d),
        _ => (string)cell,
    };

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
