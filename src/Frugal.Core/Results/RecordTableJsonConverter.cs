using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frugal.Core.Results;

/// <summary>
/// Writes a record table as its columns plus rows of plain JSON arrays, and reads it back with the column kinds.
/// </summary>
internal sealed class RecordTableJsonConverter : JsonConverter<RecordTable>
{
    public override RecordTable Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var name = Required(root, "name").GetString() ?? throw new JsonException("a record table's name is null.");
        var columns =
            Required(root, "columns").Deserialize<Column[]>(options)
            ?? throw new JsonException($"table '{name}' has no columns.");
        var table = new RecordTable(name, columns);
        var rowNumber = 0;
        foreach (var row in Required(root, "rows").EnumerateArray())
        {
            rowNumber++;
            var cells = row.EnumerateArray().Select((cell, i) => ReadCell(cell, columns, i, name, rowNumber)).ToArray();
            table.Add(cells);
        }
        return table;
    }

    public override void Write(Utf8JsonWriter writer, RecordTable value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(Name(options, "name"), value.Name);
        writer.WritePropertyName(Name(options, "columns"));
        JsonSerializer.Serialize(writer, value.Columns, options);
        writer.WritePropertyName(Name(options, "rows"));
        writer.WriteStartArray();
        foreach (var row in value.Rows)
        {
            writer.WriteStartArray();
            foreach (var cell in row)
            {
                switch (cell)
                {
                    case null: writer.WriteNullValue(); break;
                    case double d: JsonSerializer.Serialize(writer, d, options); break;
                    default: writer.WriteStringValue((string)cell); break;
                }
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static object? ReadCell(JsonElement cell, Column[] columns, int index, string table, int row)
    {
        if (index >= columns.Length) throw new JsonException(
            $"table '{table}', row {row}: more cells than the {columns.Length} columns.");
        if (cell.ValueKind == JsonValueKind.Null) return null;
        return columns[index].Kind switch
        {
            ColumnKind.Number when cell.ValueKind == JsonValueKind.Number => cell.GetDouble(),
            // Named literals (NaN, Infinity) arrive as strings.
            ColumnKind.Number when cell.ValueKind == JsonValueKind.String
                && double.TryParse(cell.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
            ColumnKind.Text when cell.ValueKind == JsonValueKind.String => cell.GetString(),
            _ => throw new JsonException(
                $"table '{table}', row {row}, column '{columns[index].Name}': {cell.ValueKind} does not fit a " +
                $"{columns[index].Kind} column."),
        };
    }

    private static JsonElement Required(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value
            : throw new JsonException($"a record table lacks '{name}'.");

    private static string Name(JsonSerializerOptions options, string name) =>
        options.PropertyNamingPolicy?.ConvertName(name) ?? name;
}
