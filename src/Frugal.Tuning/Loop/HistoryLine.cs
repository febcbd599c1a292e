using System.Globalization;
using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Loop;

/// <summary>
/// One line of a history file being read: typed access to its fields, each fault a <see cref="BadInputException"/>
/// naming the file, the line and the field.
/// </summary>
internal sealed class HistoryLine(string path, int number, ReadOnlyMemory<byte> text)
{
    /// <summary>The line's JSON object.</summary>
    public JsonElement Root()
    {
        // The JSON reader checks the structure but not every string's bytes, which would fail later on reading them.
        if (!System.Text.Unicode.Utf8.IsValid(text.Span))
            throw new BadInputException($"history '{path}': line {number}: not UTF-8 text");
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new BadInputException($"history '{path}': line {number}: not valid JSON ({e.Message})");
        }
        return root.ValueKind == JsonValueKind.Object
            ? root
            : throw new BadInputException($"history '{path}': line {number}: not a JSON object");
    }

    /// <summary>What is wrong with <paramref name="field"/>.</summary>
    public BadInputException Fault(string field, string problem) =>
        new($"history '{path}': line {number}: field '{field}': {problem}");

    /// <summary>
    /// The field <paramref name="name"/>, which must be present (and of <paramref name="kind"/> when given).
    /// </summary>
    public JsonElement Field(JsonElement e, string name, JsonValueKind? kind = null)
    {
        if (!e.TryGetProperty(name, out var value)) throw Fault(name, "required");
        if (kind is { } k && value.ValueKind != k)
            throw Fault(name, $"must be {Describe(k)}, not {value.GetRawText()}");
        return value;
    }

    /// <summary>The string field <paramref name="name"/>.</summary>
    public string String(JsonElement e, string name) => Field(e, name, JsonValueKind.String).GetString()!;

    /// <summary>The true-or-false field <paramref name="name"/>.</summary>
    public bool Boolean(JsonElement e, string name) => Field(e, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var v => throw Fault(name, $"must be true or false, not {v.GetRawText()}"),
    };

    /// <summary><paramref name="value"/> (the field <paramref name="name"/>) as a finite number.</summary>
    public double Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw Fault(name, $"must be a finite number, not {value.GetRawText()}");

    /// <summary>The whole-number field <paramref name="name"/>.</summary>
    public long Whole(JsonElement e, string name) =>
        Field(e, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var whole)
            ? whole
            : throw Fault(name, $"must be a whole number, not {Field(e, name).GetRawText()}");

    /// <summary>The optimiser's box point: null, or coordinates in [0, 1].</summary>
    public double[]? Point(JsonElement e)
    {
        var value = Field(e, "point");
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array)
            throw Fault("point", $"must be an array or null, not {value.GetRawText()}");
        return value.EnumerateArray().Select(x =>
        {
            var coordinate = Number(x, "point");
            return coordinate is >= 0 and <= 1
                ? coordinate
                : throw Fault("point", $"{coordinate.ToString(CultureInfo.InvariantCulture)} lies outside [0, 1]");
        }).ToArray();
    }

    /// <summary>A knob's value in the configuration: of the knob's type, and one the knob can take.</summary>
    public object KnobValue(JsonElement configuration, Knob knob)
    {
        var field = $"configuration.{knob.Name}";
        if (!configuration.TryGetProperty(knob.Name, out var value)) throw Fault(field, "required");
        switch (knob.Type)
        {
            case KnobType.Boolean:
                return value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Fault(field, $"must be true or false, not {value.GetRawText()}"),
                };
            case KnobType.Categorical:
                return value.ValueKind == JsonValueKind.String && knob.Values.Contains(value.GetString()!)
                    ? value.GetString()!
                    : throw Fault(field, $"{value.GetRawText()} is not one of {string.Join(", ", knob.Values)}");
        }
        var number = Number(value, field);
        if (knob.Type == KnobType.Integer && !value.TryGetInt64(out _))
            throw Fault(field, $"{value.GetRawText()} is not a whole number");
        if (!knob.CanTake(number))
        {
            var range = $"[{Format(knob.Min)}, {Format(knob.Max)}]";
            throw Fault(field, $"{value.GetRawText()} lies outside {range} and is not a special value");
        }
        return knob.Type == KnobType.Integer ? (object)value.GetInt64() : number;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
