namespace Frugal.Provisioning.Traces;

/// <summary>
/// The sacct-derived trace of the Mirage repository (e.g. Lonestar6's <c>ls6-a100.log</c>): line 1
/// the job count, line 2 a space-padded header, line 3 dashes, then tab-separated rows with the
/// columns <c>JobID JobName UID Start Submit End Priority TimelimitR ExitCode NNodes</c>
/// (TimelimitR in minutes). Columns are mapped by header name.
/// </summary>
internal sealed class MirageLogReader : ITraceReader
{
    public string Name => "mirage";

    public bool Recognises(IReadOnlyList<string> firstLines) =>
        firstLines.Count >= 2 && long.TryParse(firstLines[0].Trim(), out _)
            && firstLines[1].Contains("TimelimitR", StringComparison.Ordinal);

    public TraceReadResult Read(TextReader reader, string source, TraceReadOptions options)
    {
        if (reader.ReadLine() is not { } countLine || !long.TryParse(countLine.Trim(), out _))
            throw TraceFormatException.At(source, 1, "count", "the first line must be the job count.");
        if (reader.ReadLine() is not { } headerLine) throw TraceFormatException.At(source, 2, "header",
            "the header line is missing.");
        var header = headerLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int id = Fields.Column(header, "JobID", source, 2), submit = Fields.Column(header, "Submit", source, 2),
            start = Fields.Column(header, "Start", source, 2),
            end = Fields.Column(header, "End", source, 2), limit = Fields.Column(header, "TimelimitR", source, 2),
                nodes = Fields.Column(header, "NNodes", source, 2);
        var priority = Fields.OptionalColumn(header, "Priority");
        reader.ReadLine(); // the dash line under the header

        var collector = new TraceCollector(source, options);
        var lineNumber = 3;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var n = lineNumber;
            collector.Line(n, () =>
            {
                var f = line.Split('\t');
                // One LS6 row carries an extra field that shifts every later column; mapping it would misread the
                // times.
                if (f.Length != header.Length)
                    throw TraceFormatException.At(source, n, "row",
                        $"{f.Length} tab-separated fields, expected {header.Length} as in the header.");
                var submitTime = Fields.Time(f[submit], source, n, "Submit");
                var job = TraceCollector.Job(f[id], submitTime, submitTime, Fields.Time(f[start], source, n, "Start"),
                    Fields.Time(f[end], source, n, "End"),
                    Fields.Minutes(f[limit], source, n, "TimelimitR"), Fields.Nodes(f[nodes], source, n, "NNodes"),
                    SlurmJob.DefaultPartition, source, n);
                return priority is { } p
                    ? job with { LoggedPriority = Fields.Number(f[p], source, n, "Priority") }
                    : job;
            });
        }
        return collector.Result();
    }
}
