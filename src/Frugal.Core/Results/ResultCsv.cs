using System.Globalization;

namespace Frugal.Core.Results;

/// <summary>
/// The CSV forms of a result: one file of metrics (<c>metric,value,unit,lower,upper</c>) and one
/// file per record table, numbers written exactly so they read back bit for bit.
/// </summary>
internal static class ResultCsv
{
    private static readonly string[] MetricHeader = ["metric", "value", "unit", "lower", "upper"];

    public static void WriteMetrics(ExperimentResult result, TextWriter writer)
    {
        Csv.WriteRow(writer, MetricHeader);
        foreach (var m in result.Metrics)
            Csv.WriteRow(writer, [m.Name, Format.Exact(m.Value), m.Unit ?? "", Optional(m.Lower), Optional(m.Upper)]);
    }

    public static List<Metric> ReadMetrics(TextReader reader, string source = "<metrics.csv>")
    {
        var rows = Csv.ReadRows(reader, source);
        if (rows.Count == 0 || !rows[0].SequenceEqual(MetricHeader))
            throw new FormatException($"{source}:1: expected the header '{string.Join(",", MetricHeader)}'.");
        var metrics = new List<Metric>();
        for (var i = 1; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r.Length
                != MetricHeader.Length) throw new FormatException(
                $"{source}: row {i + 1} has {r.Length} fields, expected {MetricHeader.Length}.");
            metrics.Add(new Metric(r[0], ParseNumber(r[1], source, i + 1, "value"), r[2].Length == 0 ? null : r[2],
                r[3].Length == 0 ? null : ParseNumber(r[3], source, i + 1, "lower"),
                r[4].Length == 0 ? null : ParseNumber(r[4], source, i + 1, "upper")));
        }
        return metrics;
    }

    public static void WriteTable(RecordTable table, TextWriter writer)
    {
        Csv.WriteRow(writer, table.Columns.Select(c => c.Name));
        foreach (var row in table.Rows)
            Csv.WriteRow(writer,
                row.Select(cell => cell switch { null => "", double d => Format.Exact(d), _ => (string)cell }));
    }

    /// <summary>
    /// Reads a table written by <see cref="WriteTable"/>. A column is a number column when every
    /// non-empty cell in it parses as a number, as a spreadsheet would read it; an empty cell is missing.
    /// </summary>
    public static RecordTable ReadTable(string name, TextReader reader, string source = "<table.csv>")
    {
        var rows = Csv.ReadRows(reader, source);
        if (rows.Count == 0) throw new FormatException($"{source}: empty, expected a header row.");
        var header = rows[0];
        for (var i = 1; i < rows.Count; i++)
            if (rows[i].Length != header.Length)
                throw new FormatException(
                    $"{source}: row {i + 1} has {rows[i].Length} fields, the header has {header.Length}.");

        var kinds =
            header.Select((heading, c) =>
            rows.Skip(1).All(r => r[c].Length == 0 || TryParse(r[c], out _)) ? ColumnKind.Number : ColumnKind.Text)
            .ToArray();
        var table = new RecordTable(name, header.Select((h, c) => new Column(h, kinds[c])));
        foreach (var r in rows.Skip(1))
            table.Add(r.Select((cell, c) =>
                cell.Length == 0 ? null : kinds[c] == ColumnKind.Number ? (object)Parse(cell) : cell).ToArray());
        return table;
    }

    private static string Optional(double? value) => value is { } v ? Format.Exact(v) : "";

    private static double ParseNumber(string text, string source, int row, string field) =>
        TryParse(text, out var value) ? value
            : throw new FormatException($"{source}: row {row}, field '{field}': '{text}' is not a number.");

    private static double Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a number.");

    private static bool TryParse(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
