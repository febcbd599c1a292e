using System.Globalization;
using Frugal.Core.Catalogs;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Provisioning.Traces;

/// <summary>Reads one trace format into <see cref="SlurmJob"/>s.</summary>
public interface ITraceReader
{
    /// <summary>The format's name in <see cref="TraceReaders.Formats"/>.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="firstLines"/> (the first non-empty lines) look like this format.</summary>
    bool Recognises(IReadOnlyList<string> firstLines);

    /// <summary>Every job of the trace in <paramref name="reader"/>; <paramref name="source"/> names it in
    /// messages.</summary>
    TraceReadResult Read(TextReader reader, string source, TraceReadOptions options);
}

/// <summary>The trace formats by name (<c>auto</c> detects one), and reading a trace file.</summary>
public static class TraceReaders
{
    /// <summary>The name messages give the trace format a reader is chosen by.</summary>
    public const string FormatSetting = "trace format";

    /// <summary>The largest trace file read: 1 GiB, some 20 times a year of a busy cluster's log.</summary>
    public const long MaxFileBytes = InputFile.DefaultLimit;

    private static readonly ITraceReader[] Concrete =
        [new MirageLogReader(), new SacctReader(), new SwfReader(), new JobcompReader()];

    /// <summary>Every format by name: <c>auto</c> first, then each reader.</summary>
    public static Catalog<ITraceReader> Formats { get; } = Concrete.Aggregate(
        new Catalog<ITraceReader>(FormatSetting)
            .Add("auto", new DetectingReader(Concrete), "detect the format from the first lines"),
        (catalog, reader) => catalog.Add(reader.Name, reader));

    /// <summary>Reads <paramref name="path"/> in <paramref name="format"/> (<c>auto</c> detects it from the first
    /// lines).</summary>
    /// <param name="path">The trace file: a regular file of at most <see cref="MaxFileBytes"/>.</param>
    /// <param name="format">A name in <see cref="Formats"/>.</param>
    /// <param name="options">How to treat bad lines and processor counts.</param>
    /// <param name="progress">The fraction of the file read so far, reported from the first lines on.</param>
    /// <exception cref="BadInputException">The file is missing or not a regular file of bounded size, the format is
    /// unknown
    /// (<see cref="UnknownNameException"/>) or not recognised, or a line is malformed
    /// (<see cref="MalformedTraceLineException"/>,
    /// unless <see cref="TraceReadOptions.SkipBad"/> is on).</exception>
    public static TraceReadResult Read(string path, string format = "auto", TraceReadOptions? options = null,
        IProgress<double>? progress = null)
    {
        var reader = Formats.Get(format);
        var bytes = InputFile.Check(path, "trace", MaxFileBytes);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        using var text = new ProgressReader(new StreamReader(stream), stream, bytes, progress);
        var result = reader.Read(text, path, options ?? new TraceReadOptions());
        progress?.Report(1);
        return result;
    }
}

/// <summary><c>auto</c>: reads the first non-empty lines, picks the reader that recognises them, and hands it the whole
/// text.</summary>
internal sealed class DetectingReader(IReadOnlyList<ITraceReader> candidates) : ITraceReader
{
    private const int LinesLookedAt = 3;

    public string Name => "auto";

    public bool Recognises(IReadOnlyList<string> firstLines) => false;

    public TraceReadResult Read(TextReader reader, string source, TraceReadOptions options)
    {
        var read = new List<string>();
        var first = new List<string>();
        while (first.Count < LinesLookedAt && reader.ReadLine() is { } line)
        {
            read.Add(line);
            if (!string.IsNullOrWhiteSpace(line)) first.Add(line);
        }
        var chosen = candidates.FirstOrDefault(r => r.Recognises(first))
                     ?? throw new TraceFormatException(
                         $"{source}: not a recognised trace format " +
                         $"(tried {string.Join(", ", candidates.Select(r => r.Name))}); " +
                         $"name one with the {TraceReaders.FormatSetting} setting", TraceReaders.FormatSetting);
        return chosen.Read(new ReplayReader(read, reader), source, options);
    }

    /// <summary>The lines already read, then the rest of the underlying reader (line by line: the readers use nothing
    /// else).</summary>
    private sealed class ReplayReader(List<string> lines, TextReader rest) : TextReader
    {
        private int _next;

        public override string? ReadLine() => _next < lines.Count ? lines[_next++] : rest.ReadLine();
    }
}

/// <summary>
/// Reports how much of the file has been read, every few thousand lines, so a long read shows
/// progress at once. Line by line only: the readers use nothing else.
/// </summary>
internal sealed class ProgressReader(TextReader reader, Stream stream, long length, IProgress<double>? progress)
    : TextReader
{
    private const int LinesPerReport = 4096;
    private int _lines;

    public override string? ReadLine()
    {
        var line = reader.ReadLine();
        if (progress is not null && ++_lines % LinesPerReport == 1 && length > 0)
            progress.Report(Math.Min(1, (double)stream.Position / length));
        return line;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) reader.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Parsing helpers shared by the readers; each failure names file, line and field.</summary>
internal static class Fields
{
    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss"];

    public static long Time(string text, string file, int line, string field)
    {
        if (DateTime.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds();
        throw TraceFormatException.At(file, line, field, $"'{text}' is not a time of the form yyyy-MM-ddTHH:mm:ss.");
    }

    /// <summary>The longest duration a field may hold (a time limit, a wait, a run time): 100 years, in
    /// seconds.</summary>
    public const long MaxSeconds = 100 * 36525L * 864;

    public static long Integer(string text, string file, int line, string field, long min = long.MinValue,
        long max = long.MaxValue)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw TraceFormatException.At(file, line, field, $"'{text}' is not a whole number.");
        if (value < min) throw TraceFormatException.At(file, line, field,
            $"{value} is below the least allowed value, {min}.");
        if (value > max)
            throw TraceFormatException.At(file, line, field, $"{value} is above the largest allowed value, {max}.");
        return value;
    }

    /// <summary>A time limit in whole minutes, as seconds.</summary>
    public static long Minutes(string text, string file, int line, string field) =>
        Integer(text, file, line, field, min: 1, max: MaxSeconds / 60) * 60;

    /// <summary>A node count: at least 1, and small enough to count in an <see cref="int"/>.</summary>
    public static int Nodes(string text, string file, int line, string field) =>
        (int)Integer(text, file, line, field, min: 1, max: int.MaxValue);

    public static double Number(string text, string file, int line, string field)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
            throw TraceFormatException.At(file, line, field, $"'{text}' is not a number.");
        return value;
    }

    /// <summary>A column index by header name; a missing column fails at the header line.</summary>
    public static int Column(IReadOnlyList<string> header, string name, string file, int line)
    {
        for (var i = 0; i < header.Count; i++)
            if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        throw TraceFormatException.At(file, line, name,
            $"the header has no '{name}' column (it has {string.Join(", ", header)}).");
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
    /// <summary>
    /// The longest span of submit times a trace may have: 30 years. Real logs cover months or a
    /// few years; one row dated far from the rest (year 1, say) is a damaged row, and a study of
    /// the span it implies would plan hundreds of thousands of chains.
    /// </summary>
    public const int MaxSpanYears = 30;

    private readonly List<SlurmJob> _jobs = [];
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private int _skipped;
    private int _neverStarted;

    /// <summary>
    /// Parses line <paramref name="number"/>; a malformed one is counted when bad lines are skipped,
    /// and an error otherwise. A job id seen before makes a line malformed: a log lists each job
    /// once, and a repeated one (a log concatenated with itself, say) would replay its jobs twice over.
    /// </summary>
    public void Line(int number, Func<SlurmJob?> parse)
    {
        try
        {
            if (parse() is not { } job)
            {
                _neverStarted++;
                return;
            }
            if (!_lines.TryAdd(job.Id, number))
                throw TraceFormatException.At(source, number, "job id",
                    $"job {job.Id} appears again (first on line {_lines[job.Id]}).");
            _jobs.Add(job);
        }
        catch (TraceFormatException e)
        {
            if (!options.SkipBad) throw new MalformedTraceLineException(e);
            _skipped++;
        }
    }

    /// <exception cref="TraceFormatException">No job ran, or the jobs span more than <see cref="MaxSpanYears"/>
    /// years.</exception>
    public TraceReadResult Result()
    {
        if (_jobs.Count == 0) throw new TraceFormatException($"{source}: holds no job that ran.");
        // A stable sort keeps the file's order among jobs submitted in the same second.
        var sorted = _jobs.OrderBy(j => j.Submit).ToList();
        CheckSpan(sorted);
        return new TraceReadResult(sorted, source, _skipped, _neverStarted);
    }

    private static readonly long FirstSecond = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long LastSecond = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private void CheckSpan(List<SlurmJob> sorted)
    {
        SlurmJob first = sorted[0], last = sorted[^1];
        var years = (last.Submit - first.Submit) / (365.25 * 86400);
        if (years <= MaxSpanYears) return;
        static string Day(long t) =>
            DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        throw new TraceFormatException(
            $"{source}: its jobs were submitted over {years.ToString("N0", CultureInfo.InvariantCulture)} years " +
            $"(job {first.Id} on {Day(first.Submit)} to job {last.Id} on {Day(last.Submit)}), " +
            $"more than the {MaxSpanYears}-year limit " +
            "on a trace; a submit time far from the rest is usually a damaged row");
    }

    /// <summary>The job with its end capped at the limit (Slurm kills a job at its limit, so longer logged runs are
    /// clock noise).</summary>
    public static SlurmJob Job(string id, long submit, long eligible, long start, long end, long limit, int nodes,
        string partition, string file, int line)
    {
        if (submit < FirstSecond || end > LastSecond)
            throw TraceFormatException.At(file, line, "Submit", "the job's times lie outside the years 1 to 9999.");
        if (start < submit) throw TraceFormatException.At(file, line, "Start",
            "the job starts before it is submitted.");
        if (end < start) throw TraceFormatException.At(file, line, "End", "the job ends before it starts.");
        if (limit <= 0 || limit > Fields.MaxSeconds)
            throw TraceFormatException.At(file, line, "Timelimit",
                $"{limit} s is not a time limit between 1 s and 100 years.");
        if (nodes <= 0) throw TraceFormatException.At(file, line, "NNodes", $"{nodes} is not a positive node count.");
        return new SlurmJob(id, submit, Math.Clamp(eligible, submit, start), start, Math.Min(end, start + limit),
            limit, nodes, partition);
    }
}
