using System.Reflection;
using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Results;

namespace Frugal.Tuning.Spaces;

/// <summary>
/// Reads knob spaces from JSON (the format in docs/tuning.md): every field checked, unknown fields rejected so typos
/// surface, and each error naming the file, the knob and the field.
/// </summary>
public static class SpaceFile
{
    private static readonly HashSet<string> SpaceFields = ["name", "description", "knobs"];
    private static readonly HashSet<string> KnobFields =
        ["name", "type", "min", "max", "default", "scale", "values", "unit", "restart", "description", "special",
            "hostMax"];
    private static readonly HashSet<string> HostMaxFields = ["memory", "unitBytes", "cores"];
    private static readonly HashSet<string> SpecialFields = ["value", "probability"];

    /// <summary>The largest space file read: 64 MiB, far above PostgreSQL's 122 knobs (30 kB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Reads and checks the space file at <paramref name="path"/>.</summary>
    /// <exception cref="BadInputException">The file is missing, not a regular file or too large.</exception>
    /// <exception cref="SpaceFormatException">The file is not a valid space.</exception>
    public static SearchSpace Load(string path, HostResources? host = null) =>
        Parse(InputFile.ReadAllText(path, "space file", MaxFileBytes), path, host);

    /// <summary>
    /// A space in the file format <see cref="Parse"/> reads, so it can be edited and passed back as a file.
    /// </summary>
    public static string ToJson(SearchSpace space) =>
        JsonSerializer.Serialize(
            new SpaceJson(space.Name, space.Description, [.. space.Knobs.Select(KnobJson.Of)]), ResultJson.Options);

    /// <summary>A space embedded in <paramref name="assembly"/> as the resource <paramref name="resource"/>.</summary>
    internal static SearchSpace FromResource(Assembly assembly, string resource, HostResources? host = null)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException(
                $"the assembly {assembly.GetName().Name} embeds no resource '{resource}'.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), resource, host);
    }

    /// <param name="json">The file's text.</param>
    /// <param name="source">What errors call the file (its path).</param>
    /// <param name="host">The machine whose resources bound <c>hostMax</c> knobs (default: this one).</param>
    public static SearchSpace Parse(string json, string source, HostResources? host = null)
    {
        host ??= HostResources.Current;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (JsonException e)
        {
            throw new SpaceFormatException(source, null, null, $"not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new SpaceFormatException(source, null, null,
                "the file must hold a JSON object");
            CheckFields(root, SpaceFields, source, null);
            var name = RequiredString(root, "name", source, null);
            var description = OptionalString(root, "description", source, null);
            if (!root.TryGetProperty("knobs", out var knobsElement) || knobsElement.ValueKind != JsonValueKind.Array
                || knobsElement.GetArrayLength() == 0)
                throw new SpaceFormatException(source, null, "knobs", "must be a non-empty array of knobs");
            var knobs = new List<Knob>();
            var index = 0;
            foreach (var element in knobsElement.EnumerateArray())
            {
                var knob = ParseKnob(element, source, index++, host);
                if (knobs.Any(k => k.Name == knob.Name)) throw new SpaceFormatException(source, knob.Name, "name",
                    "duplicate knob name");
                knobs.Add(knob);
            }
            return new SearchSpace(name, knobs, description, host);
        }
    }

    private static Knob ParseKnob(JsonElement element, string source, int index, HostResources host)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new SpaceFormatException(source, $"#{index}", null,
            "a knob must be a JSON object");
        if (!element.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(nameElement.GetString()))
            throw new SpaceFormatException(source, $"#{index}", "name", "required, a non-empty string");
        var name = nameElement.GetString()!;
        CheckFields(element, KnobFields, source, name);
        var typeText = RequiredString(element, "type", source, name);
        var type = typeText switch
        {
            "integer" => KnobType.Integer,
            "real" => KnobType.Real,
            "categorical" => KnobType.Categorical,
            "boolean" => KnobType.Boolean,
            _ => throw new SpaceFormatException(source, name, "type",
                $"unknown type '{typeText}' (known: integer, real, categorical, boolean)"),
        };
        var unit = OptionalString(element, "unit", source, name);
        var description = OptionalString(element, "description", source, name);
        var restart = false;
        if (element.TryGetProperty("restart", out var restartElement))
            restart = restartElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new SpaceFormatException(source, name, "restart", "must be true or false"),
            };
        var knob = type switch
        {
            KnobType.Integer or KnobType.Real => ParseNumeric(element, type, source, name, host),
            KnobType.Categorical => ParseCategorical(element, source, name),
            _ => ParseBoolean(element, source, name),
        };
        return knob with { Unit = unit, Description = description, Restart = restart };
    }

    private static Knob ParseNumeric(JsonElement element, KnobType type, string source, string name,
        HostResources host)
    {
        Forbid(element, "values", source, name, "only categorical knobs have values");
        var integer = type == KnobType.Integer;
        var min = Number(element, "min", integer, source, name);
        var max = Number(element, "max", integer, source, name);
        if (min > max) throw new SpaceFormatException(source, name, "max", $"{max} is below min {min}");
        var scale = OptionalString(element, "scale", source, name) ?? "linear";
        var log = scale switch
        {
            "linear" => false,
            "log" => true,
            _ => throw new SpaceFormatException(source, name, "scale", $"unknown scale '{scale}' (known: linear, log)"),
        };
        if (log && min <= 0) throw new SpaceFormatException(source, name, "scale",
            $"a log scale needs min > 0 (min is {min})");
        var special = ParseSpecial(element, integer, source, name);
        var @default = Number(element, "default", integer, source, name);
        if ((@default < min || @default > max) && special.All(s => s.Value != @default))
            throw new SpaceFormatException(source, name, "default",
                $"{@default} lies outside [{min}, {max}] and is not a special value");
        var hostMax = ParseHostMax(element, source, name);
        if (hostMax is not null) max = Math.Max(Math.Max(min, @default), hostMax.Limit(host, integer));
        return new Knob(name, type, integer ? (object)(long)@default : @default)
        {
            Min = min,
            Max = max,
            LogScale = log,
            Special = special,
            HostMax = hostMax,
        };
    }

    private static HostMax? ParseHostMax(JsonElement element, string source, string name)
    {
        if (!element.TryGetProperty("hostMax", out var limit)) return null;
        if (limit.ValueKind != JsonValueKind.Object) throw new SpaceFormatException(source, name, "hostMax",
            "must be an object {memory, unitBytes} or {cores}");
        CheckFields(limit, HostMaxFields, source, name, "hostMax.");
        double? Positive(string field)
        {
            if (!limit.TryGetProperty(field, out var v)) return null;
            return v.ValueKind == JsonValueKind.Number && v.GetDouble() is > 0 and < 1e18 ? v.GetDouble()
                : throw new SpaceFormatException(source, name, $"hostMax.{field}",
                    $"'{v.GetRawText()}' must be a positive number");
        }
        var (memory, unit, cores) = (Positive("memory"), Positive("unitBytes"), Positive("cores"));
        if ((memory is null) == (cores is null) || (memory is null) != (unit is null))
            throw new SpaceFormatException(source, name, "hostMax",
                "give either memory (a fraction of RAM) with unitBytes (the knob's unit), or cores (a multiple)");
        return new HostMax(memory, unit, cores);
    }

    private static List<SpecialValue> ParseSpecial(JsonElement element, bool integer, string source, string name)
    {
        var special = new List<SpecialValue>();
        if (!element.TryGetProperty("special", out var list)) return special;
        if (list.ValueKind != JsonValueKind.Array) throw new SpaceFormatException(source, name, "special",
            "must be an array of {value, probability}");
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) throw new SpaceFormatException(source, name, "special",
                "each entry must be an object {value, probability}");
            CheckFields(entry, SpecialFields, source, name, "special.");
            var value = Number(entry, "value", integer, source, name, "special.value");
            double? probability = null;
            if (entry.TryGetProperty("probability", out var p))
            {
                if (p.ValueKind != JsonValueKind.Number || !(p.GetDouble() is > 0 and < 1))
                    throw new SpaceFormatException(source, name, "special.probability",
                        $"'{p.GetRawText()}' must be a number in (0, 1)");
                probability = p.GetDouble();
            }
            if (special.Any(s => s.Value == value)) throw new SpaceFormatException(source, name, "special.value",
                $"{value} is listed twice");
            special.Add(new SpecialValue(value, probability));
        }
        if (special.Sum(s => s.Probability ?? 0) >= 1) throw new SpaceFormatException(source, name,
            "special.probability", "the probabilities must sum to less than 1");
        return special;
    }

    private static Knob ParseCategorical(JsonElement element, string source, string name)
    {
        Forbid(element, "min", source, name, "categorical knobs have values, not a range");
        Forbid(element, "max", source, name, "categorical knobs have values, not a range");
        Forbid(element, "scale", source, name, "categorical knobs have no scale");
        Forbid(element, "special", source, name, "only integer and real knobs have special values");
        if (!element.TryGetProperty("values", out var list) || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() == 0)
            throw new SpaceFormatException(source, name, "values", "required, a non-empty array of strings");
        var values = new List<string>();
        foreach (var v in list.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.String) throw new SpaceFormatException(source, name, "values",
                $"'{v.GetRawText()}' is not a string");
            if (values.Contains(v.GetString()!)) throw new SpaceFormatException(source, name, "values",
                $"'{v.GetString()}' is listed twice");
            values.Add(v.GetString()!);
        }
        var @default = RequiredString(element, "default", source, name);
        if (!values.Contains(@default)) throw new SpaceFormatException(source, name, "default",
            $"'{@default}' is not one of the values");
        return new Knob(name, KnobType.Categorical, @default) { Values = values };
    }

    private static Knob ParseBoolean(JsonElement element, string source, string name)
    {
        foreach (var field in new[] { "min", "max", "scale", "values", "special" }) Forbid(element, field, source,
            name, "boolean knobs take only a default");
        if (!element.TryGetProperty("default", out var d)
            || d.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new SpaceFormatException(source, name, "default", "required, true or false");
        return new Knob(name, KnobType.Boolean, d.GetBoolean());
    }

    private static double Number(JsonElement element, string field, bool integer, string source, string knob,
        string? label = null)
    {
        label ??= field;
        if (!element.TryGetProperty(field, out var value)) throw new SpaceFormatException(source, knob, label,
            "required");
        if (value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()))
            throw new SpaceFormatException(source, knob, label, $"'{value.GetRawText()}' is not a number");
        var number = value.GetDouble();
        if (integer && (number != Math.Floor(number) || Math.Abs(number) > 1L << 53))
            throw new SpaceFormatException(source, knob, label, $"{value.GetRawText()} is not a whole number");
        return number;
    }

    private static string RequiredString(JsonElement element, string field, string source, string? knob) =>
        OptionalString(element, field, source, knob)
            ?? throw new SpaceFormatException(source, knob, field, "required, a string");

    private static string? OptionalString(JsonElement element, string field, string source, string? knob)
    {
        if (!element.TryGetProperty(field, out var value)) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString()
            : throw new SpaceFormatException(source, knob, field, $"'{value.GetRawText()}' is not a string");
    }

    private static void Forbid(JsonElement element, string field, string source, string knob, string why)
    {
        if (element.TryGetProperty(field, out _)) throw new SpaceFormatException(source, knob, field,
            $"not allowed here: {why}");
    }

    private static void CheckFields(JsonElement element, HashSet<string> known, string source, string? knob,
        string prefix = "")
    {
        foreach (var property in element.EnumerateObject())
            if (!known.Contains(property.Name))
                throw new SpaceFormatException(source, knob, prefix + property.Name,
                    $"unknown field (known: {string.Join(", ", known)})");
    }
}

/// <summary>A space as its file holds it.</summary>
internal sealed record SpaceJson(string Name, string? Description, IReadOnlyList<KnobJson> Knobs);

/// <summary>
/// A knob as a space file holds it: only the fields its type takes, defaults (linear, no restart) left out.
/// </summary>
internal sealed record KnobJson(
    string Name, string Type, object? Min, object? Max, object Default, string? Scale, IReadOnlyList<string>? Values,
    IReadOnlyList<SpecialJson>? Special, string? Unit, bool? Restart, string? Description, HostMax? HostMax)
{
    public static KnobJson Of(Knob knob)
    {
        object? Number(double value) => knob.Type == KnobType.Integer ? (long)value : value;
        return new KnobJson(knob.Name, knob.Type.ToString().ToLowerInvariant(),
            knob.IsNumeric ? Number(knob.Min) : null, knob.IsNumeric ? Number(knob.Max) : null, knob.Default,
            knob.LogScale ? "log" : null, knob.Type == KnobType.Categorical ? knob.Values : null,
            knob.Special.Count > 0
                ? [.. knob.Special.Select(s => new SpecialJson(Number(s.Value)!, s.Probability))]
                : null,
            knob.Unit, knob.Restart ? true : null, knob.Description, knob.HostMax);
    }
}

/// <summary>A special value as a space file holds it.</summary>
internal sealed record SpecialJson(object Value, double? Probability);

/// <summary>A space file that breaks the format; the message names the file, the knob and the field.</summary>
internal sealed class SpaceFormatException(string source, string? knob, string? fieldName, string problem)
    : BadInputException($"{source}: {(knob is null ? "" : $"knob '{knob}': ")}" +
        $"{(fieldName is null ? "" : $"field '{fieldName}': ")}{problem}")
{
    public string FileName => source;
    public string? Knob => knob;
    public string? Field => fieldName;
}
