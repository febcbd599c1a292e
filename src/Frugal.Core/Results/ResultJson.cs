using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frugal.Core.Results;

/// <summary>
/// The JSON form of experiment results: camelCase, indented, enums as names, NaN and infinities allowed.
/// </summary>
public static class ResultJson
{
    /// <summary>The serializer options every result file is written and read with.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>One result as JSON text.</summary>
    public static string Serialize(ExperimentResult result) => JsonSerializer.Serialize(result, Options);

    /// <summary>Several results as one JSON array.</summary>
    public static string Serialize(IEnumerable<ExperimentResult> results) => JsonSerializer.Serialize(results, Options);

    /// <param name="json">The text to read.</param>
    /// <param name="source">Where it came from (a file name), for the error message.</param>
    /// <exception cref="FormatException">The text is not a valid result; the message names <paramref
    /// name="source"/>.</exception>
    public static ExperimentResult Deserialize(string json, string source = "<text>")
    {
        try
        {
            return JsonSerializer.Deserialize<ExperimentResult>(json, Options)
                ?? throw new FormatException($"{source}: holds null, not an experiment result.");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{source}:{line + 1}" : source;
            throw new FormatException($"{where}: not a valid experiment result: {e.Message}", e);
        }
    }

    /// <summary>Reads the result file at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">The file is not a valid result; the message names it.</exception>
    public static ExperimentResult Load(string path) => Deserialize(File.ReadAllText(path), path);
}
