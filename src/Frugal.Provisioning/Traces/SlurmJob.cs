using Frugal.Core.Errors;

namespace Frugal.Provisioning.Traces;

/// <summary>
/// One finished batch job as a trace records it. Times are Unix seconds (UTC, or the trace's
/// local clock where it has no zone: only differences matter). <see cref="End"/> is already capped
/// at <see cref="Start"/> + <see cref="LimitSeconds"/>, so the runtime replays as Slurm would enforce it.
/// </summary>
public sealed record SlurmJob(string Id, long Submit, long Eligible, long Start, long End, long LimitSeconds,
    int Nodes, string Partition = SlurmJob.DefaultPartition)
{
    /// <summary>The partition of traces that name none.</summary>
    public const string DefaultPartition = "default";

    /// <summary>The logged priority, where the trace has one (replaying it is an option of the simulator).</summary>
    public double? LoggedPriority { get; init; }

    /// <summary>How long the job held its nodes.</summary>
    public long RuntimeSeconds => End - Start;

    /// <summary>The real queue wait, counted from submission as sacct reports it.</summary>
    public long WaitSeconds => Start - Submit;
}

/// <summary>The jobs a trace file holds, with what was left out and why.</summary>
/// <param name="Jobs">Jobs that ran, sorted by submit time.</param>
/// <param name="Source">The file they came from.</param>
/// <param name="SkippedBadLines">Malformed lines skipped under <see cref="TraceReadOptions.SkipBad"/>.</param>
/// <param name="NeverStarted">Well-formed rows of jobs that never started (cancelled while pending), which a replay
/// cannot use.</param>
public sealed record TraceReadResult(IReadOnlyList<SlurmJob> Jobs, string Source, int SkippedBadLines,
    int NeverStarted);

/// <summary>How a trace file is read.</summary>
public sealed record TraceReadOptions
{
    /// <summary>The name messages give <see cref="SkipBad"/>, so a front end can name its own flag for it.</summary>
    public const string SkipBadSetting = "skip-bad-lines";

    /// <summary>Skip malformed lines (and count them) instead of failing on the first one.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Standard Workload Format only: processors per node, to turn processor counts into nodes.</summary>
    public int ProcessorsPerNode { get; init; } = 1;

    /// <summary>The name messages give <see cref="ProcessorsPerNode"/>.</summary>
    public const string ProcessorsPerNodeSetting = "processors-per-node";
}

/// <summary>A trace file that cannot be read: the message names the file, the line and the field at fault.</summary>
/// <param name="message">One line naming the file (and line and field) and the problem.</param>
/// <param name="setting">The setting that would get past the problem, where one would.</param>
public class TraceFormatException(string message, string? setting = null) : BadInputException(message, setting)
{
    /// <summary>The error for one field of one line.</summary>
    public static TraceFormatException At(string file, int line, string field, string problem) =>
        new($"{file}:{line}: field '{field}': {problem}");
}

/// <summary>
/// A malformed line, where bad lines are not skipped: the message says so, and names the setting
/// (<see cref="TraceReadOptions.SkipBadSetting"/>) that would skip it.
/// </summary>
internal sealed class MalformedTraceLineException(TraceFormatException problem)
    : TraceFormatException(
        $"{problem.Message.TrimEnd('.')}; the {TraceReadOptions.SkipBadSetting} setting skips such lines",
        TraceReadOptions.SkipBadSetting);
