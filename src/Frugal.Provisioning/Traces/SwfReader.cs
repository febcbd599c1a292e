using System.Globalization;
using Frugal.Core.Errors;

namespace Frugal.Provisioning.Traces;

/// <summary>
/// The Standard Workload Format (Parallel Workloads Archive): <c>;</c> header comments (the
/// <c>UnixStartTime</c> one gives the epoch), then 18 whitespace-separated fields per job, −1 for
/// unknown. Start = submit + wait, end = start + run time, limit = requested time (the run time
/// where unknown), nodes = processors (allocated, else requested) / processors per node, rounded up.
/// </summary>
internal sealed class SwfReader : ITraceReader
{
    private const int FieldCount = 18;

    /// <summary>The last second of year 9999, the latest epoch a log may declare.</summary>
    private static readonly long LastEpoch = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public string Name => "swf";

    public bool Recognises(IReadOnlyList<string> firstLines) =>
        firstLines.Count >= 1 && (firstLines[0].TrimStart().StartsWith(';') ||
                                  firstLines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length
                                      == FieldCount);

    public TraceReadResult Read(TextReader reader, string source, TraceReadOptions options)
    {
        if (options.ProcessorsPerNode < 1)
            throw new BadInputException(
                $"{TraceReadOptions.ProcessorsPerNodeSetting} must be at least 1, not {options.ProcessorsPerNode}",
                TraceReadOptions.ProcessorsPerNodeSetting);
        var collector = new TraceCollector(source, options);
        long epoch = 0;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            if (trimmed.StartsWith(';'))
            {
                var header = trimmed.TrimStart(';').Trim();
                if (header.StartsWith("UnixStartTime:", StringComparison.OrdinalIgnoreCase))
                    epoch = Fields.Integer(header["UnixStartTime:".Length..], source, lineNumber, "UnixStartTime",
                        min: 0, max: LastEpoch);
                continue;
            }
            var n = lineNumber;
            var start = epoch;
            collector.Line(n, () => Job(trimmed, start, options.ProcessorsPerNode, source, n));
        }
        return collector.Result();
    }

    private static SlurmJob? Job(string line, long epoch, int processorsPerNode, string source, int n)
    {
        var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != FieldCount) throw TraceFormatException.At(source, n, "row",
            $"{f.Length} fields, expected {FieldCount}.");
        var submit = Fields.Integer(f[1], source, n, "Submit Time", min: 0, max: Fields.MaxSeconds);
        var wait = Fields.Integer(f[2], source, n, "Wait Time", min: -1, max: Fields.MaxSeconds);
        var run = Fields.Integer(f[3], source, n, "Run Time", min: -1, max: Fields.MaxSeconds);
        if (wait < 0 || run < 0) return null; // never ran, or not logged: nothing to replay
        var allocated = Fields.Integer(f[4], source, n, "Allocated Processors", min: -1, max: int.MaxValue);
        var requested = Fields.Integer(f[7], source, n, "Requested Processors", min: -1, max: int.MaxValue);
        var processors = allocated > 0 ? allocated : requested;
        if (processors <= 0) throw TraceFormatException.At(source, n, "Allocated Processors",
            "neither allocated nor requested processors are known.");
        var limit = Fields.Integer(f[8], source, n, "Requested Time", min: -1, max: Fields.MaxSeconds);
        var start = epoch + submit + wait;
        return TraceCollector.Job(f[0], epoch + submit, epoch + submit, start, start + run,
            limit > 0 ? limit : Math.Max(run, 1),
            (int)((processors + processorsPerNode - 1) / processorsPerNode), Partition(f[15]), source, n);
    }

    private static string Partition(string field) =>
        field == "-1" ? SlurmJob.DefaultPartition : "p" + field.ToString(CultureInfo.InvariantCulture);
}
