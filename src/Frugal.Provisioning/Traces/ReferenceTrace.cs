using Frugal.Core.IO;
using Frugal.Core.Randomness;

namespace Frugal.Provisioning.Traces;

/// <summary>
/// The trace a run uses when it is given none: Lonestar6's A100 trace from the repository's
/// <c>data/mirage</c> where present, else a generated one. The one place that choice is made, for
/// <c>frugal reproduce</c> and the <c>frugal provision</c> commands alike.
/// </summary>
public static class ReferenceTrace
{
    /// <summary>The real trace's file name in <c>data/mirage</c>, and the source name its jobs carry.</summary>
    public const string FileName = "ls6-a100.log";

    /// <summary>The source name of a generated trace.</summary>
    public const string GeneratedSource = "generated";

    /// <summary>
    /// The real Lonestar6 trace where <c>data/mirage</c> is present and <paramref name="quick"/> is off;
    /// otherwise a trace generated from <paramref name="seeds"/>' <c>trace</c> child: 60 days, or 36
    /// at quick scale (so its last fifth still holds a few 5-day sample windows).
    /// </summary>
    /// <param name="seeds">The run's seed tree.</param>
    /// <param name="quick">Use a small generated trace even where the real one is present.</param>
    /// <param name="progress">The fraction of the real trace read so far.</param>
    public static TraceReadResult Load(SeedTree seeds, bool quick = false, IProgress<double>? progress = null)
    {
        if (!quick && ReferenceData.Locate("mirage") is { } dir)
        {
            // The LS6 trace has one malformed row, which Mirage's own reader drops too.
            var path = Path.Combine(dir, FileName);
            var read = TraceReaders.Read(path, "mirage", new TraceReadOptions { SkipBad = true }, progress);
            return read with { Source = FileName };
        }
        var jobs = SyntheticTrace.Generate(new SyntheticTraceOptions { Days = quick ? 36 : 60 }, seeds.Child("trace"));
        return new TraceReadResult(jobs, GeneratedSource, 0, 0);
    }

    /// <summary>Whether <paramref name="trace"/> is the real Lonestar6 trace, whose waits can validate the
    /// simulator.</summary>
    internal static bool IsReal(TraceReadResult trace) => trace.Source == FileName;
}
