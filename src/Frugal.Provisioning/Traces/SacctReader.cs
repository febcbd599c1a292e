namespace Frugal.Provisioning.Traces;

/// <summary>
/// <c>sacct -P</c> output: a <c>|</c>-separated header line, then one row per job or step. Needs
/// JobID, Submit, Start, End, NNodes and Timelimit (or TimelimitRaw in minutes); uses Eligible,
/// Partition and Priority where present. Step rows (<c>123.batch</c>) are ignored; jobs that never
/// started (Start <c>Unknown</c> or <c>None</c>) are counted, not replayed.
/// </summary>
internal sealed class SacctReader : ITraceReader
{
    public string Name => "sacct";

    public bool Recognises(IReadOnlyList<string> firstLines) =>
        firstLines.Count >= 1 && firstLines[0].Contains('|')
            && firstLines[0].Split('|').Contains("JobID", StringComparer.OrdinalIgnoreCase);

    public TraceReadResult Read(TextReader reader, string source, TraceReadOptions options)
    {
        if (reader.ReadLine() is not { } headerLine) throw TraceFormatException.At(source, 1, "header",
            "the file is empty.");
        var header = headerLine.Split('|');
        int id = Fields.Column(header, "JobID", source, 1), submit = Fields.Column(header, "Submit", source, 1),
            start = Fields.Column(header, "Start", source, 1),
            end = Fields.Column(header, "End", source, 1), nodes = Fields.Column(header, "NNodes", source, 1);
        var limitRaw = Fields.OptionalColumn(header, "TimelimitRaw");
        var limit = limitRaw is null ? Fields.Column(header, "Timelimit", source, 1) : -1;
        var eligible = Fields.OptionalColumn(header, "Eligible");
        var partition = Fields.OptionalColumn(header, "Partition");
        var priority = Fields.OptionalColumn(header, "Priority");

        var collector = new TraceCollector(source, options);
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var n = lineNumber;
            var f = line.Split('|');
            if (f.Length == header.Length
                && f[id].Contains('.')) continue; // a step (.batch, .extern, .0) of a job counted on its own row
            collector.Line(n, () =>
            {
                if (f.Length != header.Length)
                    throw TraceFormatException.At(source, n, "row",
                        $"{f.Length} |-separated fields, expected {header.Length} as in the header.");
                if (IsUnset(f[start])) return null;
                var submitTime = Fields.Time(f[submit], source, n, "Submit");
                var limitSeconds = limitRaw is { } raw
                    ? Fields.Minutes(f[raw], source, n, "TimelimitRaw")
                    : Duration(f[limit], source, n, "Timelimit");
                var eligibleTime =
                    eligible is { } e && !IsUnset(f[e]) ? Fields.Time(f[e], source, n, "Eligible") : submitTime;
                var job = TraceCollector.Job(f[id], submitTime, eligibleTime,
                    Fields.Time(f[start], source, n, "Start"), Fields.Time(f[end], source, n, "End"),
                    limitSeconds, Fields.Nodes(f[nodes], source, n, "NNodes"),
                    partition is { } p && f[p].Length > 0 ? f[p] : SlurmJob.DefaultPartition, source, n);
                return priority is { } q
                    ? job with { LoggedPriority = Fields.Number(f[q], source, n, "Priority") }
                    : job;
            });
        }
        return collector.Result();
    }

    private static bool IsUnset(string text) => text is "Unknown" or "None" or "";

    /// <summary>A Slurm duration, <c>[D-]HH:MM:SS</c>, <c>MM:SS</c> or minutes; <c>UNLIMITED</c> and
    /// <c>Partition_Limit</c> have no finite value to plan on.</summary>
    internal static long Duration(string text, string file, int line, string field)
    {
        var t = text.Trim();
        if (t is "UNLIMITED" or "Partition_Limit" or "INVALID")
            throw TraceFormatException.At(file, line, field,
                $"'{t}' is not a finite time limit, which backfill needs to plan.");
        long days = 0;
        var dash = t.IndexOf('-');
        if (dash >= 0)
        {
            days = Fields.Integer(t[..dash], file, line, field, min: 0, max: Fields.MaxSeconds / 86400);
            t = t[(dash + 1)..];
        }
        var parts = t.Split(':');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
            throw TraceFormatException.At(file, line, field, $"'{text}' is not a duration of the form [D-]HH:MM:SS.");
        var values = parts.Select(p => Fields.Integer(p, file, line, field, min: 0, max: Fields.MaxSeconds / 60))
            .ToArray();
        var seconds = values.Length switch
        {
            3 => values[0] * 3600 + values[1] * 60 + values[2],
            2 when dash >= 0 => values[0] * 3600 + values[1] * 60, // D-HH:MM
            2 => values[0] * 60 + values[1],                      // MM:SS
            _ when dash >= 0 => values[0] * 3600,                 // D-HH
            _ => values[0] * 60,                                  // minutes
        };
        return days * 86400 + seconds;
    }
}
