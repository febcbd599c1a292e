using System.Text.Json.Serialization;

namespace Frugal.Core.Results;

/// <summary>What a record table's column holds.</summary>
public enum ColumnKind
{
    /// <summary>Numbers, stored as doubles.</summary>
    Number,
    /// <summary>Text.</summary>
    Text,
}

/// <summary>A column of a <see cref="RecordTable"/>.</summary>
/// <param name="Name">The column's name, unique within its table.</param>
/// <param name="Kind">What its cells hold.</param>
/// <param name="Unit">The unit of a number column (<c>s</c>, <c>ops/s</c>); null for none.</param>
public sealed record Column(string Name, ColumnKind Kind = ColumnKind.Number, string? Unit = null);

/// <summary>
/// Per-item records of a run (one row per job, request, trial, ...): typed columns, and rows whose
/// cells are a double for a number column and a string for a text column (null for missing).
/// </summary>
[JsonConverter(typeof(RecordTableJsonConverter))]
public sealed class RecordTable
{
    private readonly List<object?[]> _rows = [];

    /// <summary>An empty table called <paramref name="name"/> with <paramref name="columns"/>.</summary>
    /// <exception cref="ArgumentException">The name is blank, there are no columns, or two share a name.</exception>
    public RecordTable(string name, IEnumerable<Column> columns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Columns = columns.ToArray();
        if (Columns.Count == 0) throw new ArgumentException("a record table needs at least one column.",
            nameof(columns));
        var duplicate = Columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"column '{duplicate.Key}' appears twice in table '{name}'.", nameof(columns));
    }

    /// <summary>The table's name, unique within a result.</summary>
    public string Name { get; }
    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<Column> Columns { get; }
    /// <summary>The rows in the order added, one cell per column (null where missing).</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Rows => _rows;

    /// <summary>Adds a row; numbers of any numeric type are stored as doubles, text as strings.</summary>
    public RecordTable Add(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException(
                $"table '{Name}' has {Columns.Count} columns but the row has {cells.Length} cells.");
        var row = new object?[cells.Length];
        for (var i = 0; i < cells.Length; i++) row[i] = Normalise(i, cells[i]);
        _rows.Add(row);
        return this;
    }

    /// <summary>The position of the column called <paramref name="column"/>.</summary>
    /// <exception cref="KeyNotFoundException">The table has no such column.</exception>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (Columns[i].Name == column) return i;
        throw new KeyNotFoundException($"table '{Name}' has no column '{column}'.");
    }

    /// <summary>The values of a number column, missing cells skipped.</summary>
    public double[] Numbers(string column)
    {
        var i = IndexOf(column);
        if (Columns[i].Kind != ColumnKind.Number)
            throw new InvalidOperationException($"column '{column}' of table '{Name}' holds text.");
        return _rows.Where(r => r[i] is not null).Select(r => (double)r[i]!).ToArray();
    }

    private object? Normalise(int column, object? cell)
    {
        if (cell is null) return null;
        return Columns[column].Kind switch
        {
            ColumnKind.Number => cell switch
            {
                double d => d,
                float or int or long or short or byte or uint or ulong or ushort or sbyte or decimal =>
                    Convert.ToDouble(cell, System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new ArgumentException(
                    $"column '{Columns[column].Name}' of table '{Name}' takes numbers, not '{cell}'."),
            },
            _ => cell as string ?? Format.Parameter(cell),
        };
    }
}
