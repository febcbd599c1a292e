using System.Text.Json;
using System.Text.RegularExpressions;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Scheduling.Traces;

/// <summary>
/// Gavel's throughput file: per worker (GPU) type, per (job type, GPU count), the isolated
/// steps per second (<c>"null"</c>) and, for space sharing, the pair of throughputs when
/// co-located with another (job type, GPU count). Keys are Python tuple strings such as
/// <c>"('ResNet-18 (batch size 32)', 1)"</c>.
/// </summary>
public sealed partial class ThroughputTable
{
    private readonly Dictionary<(string Worker, string JobType, int ScaleFactor), Entry> _entries;

    private sealed record Entry(double Isolated, Dictionary<(string JobType, int ScaleFactor),
        (double Self, double Other)> Colocated);

    private ThroughputTable(Dictionary<(string, string, int), Entry> entries, string source)
    {
        _entries = entries;
        Source = source;
    }

    /// <summary>The largest throughput file accepted, in bytes (Gavel's and Shockwave's are about 1 MB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Where the throughputs came from (a file, or a model), for messages.</summary>
    public string Source { get; }

    /// <summary>The GPU types measured, in ordinal order.</summary>
    public IReadOnlyList<string> WorkerTypes =>
        _entries.Keys.Select(k => k.Worker).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The isolated measurements: (GPU type, job type, GPU count) triples.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Isolated steps per second of <paramref name="jobType"/> on <paramref name="scaleFactor"/> GPUs of <paramref
    /// name="workerType"/>, or null if not measured.
    /// </summary>
    public double? Isolated(string workerType, string jobType, int scaleFactor) =>
        _entries.TryGetValue((workerType, jobType, scaleFactor), out var e) ? e.Isolated : null;

    /// <summary>The throughputs of the two jobs when they share GPUs, or null if that pair was not measured.</summary>
    public (double Self, double Other)? Colocated(string workerType, string jobType, int scaleFactor,
        string otherJobType, int otherScaleFactor) =>
        _entries.TryGetValue((workerType, jobType, scaleFactor), out var e)
            && e.Colocated.TryGetValue((otherJobType, otherScaleFactor), out var pair) ? pair : null;

    /// <summary>
    /// Isolated throughput that must exist: a trace job whose type was never measured is a configuration error.
    /// </summary>
    /// <exception cref="BadInputException">The entry is missing; the message names it and the file.</exception>
    public double Require(string workerType, string jobType, int scaleFactor) =>
        Isolated(workerType, jobType, scaleFactor)
        ?? throw new BadInputException($"{Source} has no throughput for ('{jobType}', {scaleFactor}) on {workerType}");

    /// <summary>A table of isolated throughputs only (no co-location pairs), e.g. from a throughput model.</summary>
    /// <param name="entries">Steps per second by GPU type, job type and GPU count.</param>
    /// <param name="source">What the numbers come from, for messages.</param>
    internal static ThroughputTable FromIsolated(
        IEnumerable<(string WorkerType, string JobType, int ScaleFactor, double StepsPerSecond)> entries,
        string source) =>
        new(entries.ToDictionary(e => (e.WorkerType, e.JobType, e.ScaleFactor), e => new Entry(e.StepsPerSecond, [])),
            source);

    /// <summary>Reads a throughput file (see <see cref="Parse"/>).</summary>
    /// <exception cref="BadInputException">
    /// The file is missing, not a regular file, larger than <see cref="MaxFileBytes"/>, or malformed
    /// (<see cref="TraceFormatException"/>, naming the file and the key).
    /// </exception>
    public static ThroughputTable Read(string path) =>
        Parse(InputFile.ReadAllText(path, "throughput file", MaxFileBytes), path);

    /// <summary>Parses Gavel's JSON throughput format.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <exception cref="TraceFormatException">
    /// The JSON, or a key or value in it, is malformed; the message names the key.
    /// </exception>
    public static ThroughputTable Parse(string json, string source)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new TraceFormatException($"{source}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
        }

        using (document)
        {
            var entries = new Dictionary<(string, string, int), Entry>();
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new TraceFormatException($"{source}: expected an object of worker types.");
            foreach (var worker in document.RootElement.EnumerateObject())
            {
                if (worker.Value.ValueKind != JsonValueKind.Object)
                    throw new TraceFormatException($"{source}: [{worker.Name}]: expected an object of job types.");
                foreach (var job in worker.Value.EnumerateObject())
                {
                    var where = $"{source}: [{worker.Name}][{job.Name}]";
                    var (jobType, scaleFactor) = ParseKey(job.Name, where);
                    double? isolated = null;
                    var colocated = new Dictionary<(string, int), (double, double)>();
                    foreach (var other in job.Value.EnumerateObject())
                    {
                        if (other.Name == "null")
                        {
                            isolated = NonNegative(other.Value, $"{where}[null]");
                            continue;
                        }
                        var key = ParseKey(other.Name, $"{where}[{other.Name}]");
                        if (other.Value.ValueKind != JsonValueKind.Array || other.Value.GetArrayLength() != 2)
                            throw new TraceFormatException(
                                $"{where}[{other.Name}]: expected a pair [self, other] of throughputs.");
                        colocated[key] =
                            (NonNegative(other.Value[0], $"{where}[{other.Name}][0]"),
                            NonNegative(other.Value[1], $"{where}[{other.Name}][1]"));
                    }
                    if (isolated is null)
                        throw new TraceFormatException($"{where}: no isolated throughput (\"null\").");
                    entries[(worker.Name, jobType, scaleFactor)] = new Entry(isolated.Value, colocated);
                }
            }
            return new ThroughputTable(entries, source);
        }
    }

    [GeneratedRegex(@"^\('(.+)', (\d+)\)$")]
    private static partial Regex KeyPattern();

    private static (string JobType, int ScaleFactor) ParseKey(string key, string where)
    {
        var match = KeyPattern().Match(key);
        if (!match.Success || !int.TryParse(match.Groups[2].Value, out var scaleFactor) || scaleFactor <= 0)
            throw new TraceFormatException($"{where}: key is not of the form ('JOB TYPE', GPUS).");
        return (match.Groups[1].Value, scaleFactor);
    }

    private static double NonNegative(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var d && d >= 0 && double.IsFinite(d)
            ? d
            : throw new TraceFormatException($"{where}: '{value}' is not a non-negative throughput.");
}
