namespace Frugal.Provisioning.Traces;

/// <summary>
/// Slurm's <c>jobcomp/filetxt</c> log (<c>JobCompLoc</c>): one line per finished job of
/// space-separated <c>Key=Value</c> pairs. Name and WorkDir may hold spaces, so a line is split
/// only where a known key follows a space. Used where accounting (slurmdbd) is absent: unlike
/// <c>sacct -c</c>, its SubmitTime, EligibleTime and StartTime are right.
/// </summary>
internal sealed class JobcompReader : ITraceReader
{
    private static readonly string[] Keys =
    [
        "JobId", "UserId", "GroupId", "Name", "JobState", "Partition", "TimeLimit", "StartTime", "EndTime", "NodeList",
            "NodeCnt", "ProcCnt",
        "WorkDir", "ReservationName", "Tres", "Account", "QOS", "WcKey", "Cluster", "SubmitTime", "EligibleTime",
            "DerivedExitCode", "ExitCode",
    ];

    public string Name => "jobcomp";

    public bool Recognises(IReadOnlyList<string> firstLines) =>
        firstLines.Count >= 1 && firstLines[0].StartsWith("JobId=", StringComparison.Ordinal)
            && firstLines[0].Contains(" JobState=", StringComparison.Ordinal);

    public TraceReadResult Read(TextReader reader, string source, TraceReadOptions options)
    {
        var collector = new TraceCollector(source, options);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var n = lineNumber;
            collector.Line(n, () => Job(Split(line), source, n));
        }
        return collector.Result();
    }

    /// <summary>The line's values by key, cut at each known key that starts the line or follows a space.</summary>
    internal static Dictionary<string, string> Split(string line)
    {
        var starts = new List<(int At, string Key)>();
        foreach (var key in Keys)
        {
            var token = key + "=";
            for (var at = line.IndexOf(token, StringComparison.Ordinal); at >= 0; at =
                line.IndexOf(token, at + 1, StringComparison.Ordinal))
                if (at == 0 || line[at - 1] == ' ')
                {
                    starts.Add((at, key));
                    break;
                }
        }
        starts.Sort((a, b) => a.At.CompareTo(b.At));
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < starts.Count; i++)
        {
            var from = starts[i].At + starts[i].Key.Length + 1;
            var to = i + 1 < starts.Count ? starts[i + 1].At - 1 : line.Length;
            values[starts[i].Key] = line[from..Math.Max(from, to)];
        }
        return values;
    }

    private static SlurmJob? Job(Dictionary<string, string> f, string source, int n)
    {
        string Field(string key) =>
            f.TryGetValue(key, out var v) ? v : throw TraceFormatException.At(source, n, key, "the field is missing.");
        if (Field("StartTime") is "Unknown" or "None") return null;
        var submit = Fields.Time(Field("SubmitTime"), source, n, "SubmitTime");
        var eligible =
            f.TryGetValue("EligibleTime", out var e) && e is not ("Unknown" or "None")
            ? Fields.Time(e, source, n, "EligibleTime") : submit;
        var limit = Field("TimeLimit") is "UNLIMITED" or "Partition_Limit"
            ? throw TraceFormatException.At(source, n, "TimeLimit",
                $"'{f["TimeLimit"]}' is not a finite time limit, which backfill needs to plan.")
            : Fields.Minutes(Field("TimeLimit"), source, n, "TimeLimit");
        return TraceCollector.Job(Field("JobId"), submit, eligible,
            Fields.Time(Field("StartTime"), source, n, "StartTime"),
            Fields.Time(Field("EndTime"), source, n, "EndTime"), limit,
            Fields.Nodes(Field("NodeCnt"), source, n, "NodeCnt"),
            f.GetValueOrDefault("Partition") is { Length: > 0 } p ? p : SlurmJob.DefaultPartition, source, n);
    }
}
