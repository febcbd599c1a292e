using System.Globalization;

namespace Frugal.Provisioning.Traces;

/// <summary>Reads one trace format into <see cref="SlurmJob"/>s.</summary>
public interface ITraceReader
{
    /// <summary>The name <c>--format</c> takes.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="firstLines"/> (the first non-empty lines) look like this format.</summary>
    bool Recognises(IReadOnlyList<string> firstLines);

    TraceReadResult Read(TextReader reader, string source, TraceReadOptions options);
}

/// <summary>The trace readers by name, and format detection.</summary>
public static class TraceReaders
{
    private static readonly ITraceReader[] All = [new MirageLogReader(), new SacctReader(), new SwfReader(), new JobcompReader()];

    public static IEnumerable<string> Names => All.Select(r => r.Name).Prepend("auto");

    /// <exception cref="UnknownTraceFormatException">No reader has that name.</exception>
    public static ITraceReader ByName(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)) ?? throw new UnknownTraceFormatException(name);

    /// <summary>Reads <paramref name="path"/> in <paramref name="format"/> (<c>auto</c> detects it from the first lines).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">A line is malformed (and <see cref="TraceReadOptions.SkipBad"/> is off), or the format is not recognised.</exception>
    public static TraceReadResult Read(string path, string format = "auto", TraceReadOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"trace file '{path}' does not exist.", path);
        var reader = format.Equals("auto", StringComparison.OrdinalIgnoreCase) ? Detect(path) : ByName(format);
        using var text = new StreamReader(path);
        return reader.Read(text, path, options ?? new TraceReadOptions());
    }

    private static ITraceReader Detect(string path)
    {
        var first = File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Take(3).ToList();
        return All.FirstOrDefault(r => r.Recognises(first))
               ?? throw new TraceFormatException($"{path}: not a recognised trace format (tried {string.Join(", ", All.Select(r => r.Name))}); name one with --format.");
    }
}

/// <summary>Parsing helpers shared by the readers; each failure names file, line and field.</summary>
internal static class Fields
{
    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss"];

    public static long Time(string text, string file, int line, string field)
    {
        if (DateTime.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds();
        throw TraceFormatException.At(file, line, field, $"'{text}' is not a time of the form yyyy-MM-ddTHH:mm:ss.");
    }

    public static long Integer(string text, string file, int line, string field, long min = long.MinValue)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw TraceFormatException.At(file, line, field, $"'{text}' is not a whole number.");
        if (value < min) throw TraceFormatException.At(file, line, field, $"{value} is below the least allowed value, {min}.");
        return value;
    }

    public static double Number(string text, string file, int line, string field)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw TraceFormatException.At(file, line, field, $"'{text}' is not a number.");
        return value;
    }

    /// <summary>A column index by header name; a missing column fails at the header line.</summary>
    public static int Column(IReadOnlyList<string> header, string name, string file, int line)
    {
        for (var i = 0; i < header.Count; i++)
            if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        throw TraceFormatException.At(file, line, name, $"the header has no '{name}' column (it has {string.Join(", ", header)}).");
    }

    public static int? OptionalColumn(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
            if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return null;
    }
}

/// <summary>Collects the jobs of a trace, skipping and counting bad lines when asked.</summary>
internal sealed class TraceCollector(string source, TraceReadOptions options)
{
    private readonly List<SlurmJob> _jobs = [];
    private int _skipped;
    private int _neverStarted;

    /// <summary>Parses one line; a <see cref="TraceFormatException"/> is rethrown unless bad lines are skipped.</summary>
    public void Line(Func<SlurmJob?> parse)
    {
        try
        {
            if (parse() is { } job) _jobs.Add(job);
            else _neverStarted++;
        }
        catch (TraceFormatException) when (options.SkipBad)
        {
            _skipped++;
        }
    }

    public TraceReadResult Result()
    {
        if (_jobs.Count == 0) throw new TraceFormatException($"{source}: holds no job that ran.");
        // A stable sort keeps the file's order among jobs submitted in the same second.
        var sorted = _jobs.OrderBy(j => j.Submit).ToList();
        return new TraceReadResult(sorted, source, _skipped, _neverStarted);
    }

    /// <summary>The job with its end capped at the limit (Slurm kills a job at its limit, so longer logged runs are clock noise).</summary>
    public static SlurmJob Job(string id, long submit, long eligible, long start, long end, long limit, int nodes, string partition, string file, int line)
    {
        if (start < submit) throw TraceFormatException.At(file, line, "Start", "the job starts before it is submitted.");
        if (end < start) throw TraceFormatException.At(file, line, "End", "the job ends before it starts.");
        if (limit <= 0) throw TraceFormatException.At(file, line, "Timelimit", $"{limit} s is not a positive time limit.");
        if (nodes <= 0) throw TraceFormatException.At(file, line, "NNodes", $"{nodes} is not a positive node count.");
        return new SlurmJob(id, submit, Math.Clamp(eligible, submit, start), start, Math.Min(end, start + limit), limit, nodes, partition);
    }
}
