using Frugal.Core.Errors;

namespace Frugal.Provisioning.Traces;

/// <summary>
/// One finished batch job as a trace records it. Times are Unix seconds (UTC, or the trace's
/// local clock where it has no zone: only differences matter). <see cref="End"/> is already capped
/// at <see cref="Start"/> + <see cref="LimitSeconds"/>, so the runtime replays as Slurm would enforce it.
/// </summary>
public sealed record SlurmJob(string Id, long Submit, long Eligible, long Start, long End, long LimitSeconds, int Nodes, string Partition = SlurmJob.DefaultPartition)
{
    public const string DefaultPartition = "default";

    /// <summary>The logged priority, where the trace has one (replaying it is an option of the simulator).</summary>
    public double? LoggedPriority { get; init; }

    public long RuntimeSeconds => End - Start;

    /// <summary>The real queue wait, counted from submission as sacct reports it.</summary>
    public long WaitSeconds => Start - Submit;
}

/// <summary>The jobs a trace file holds, with what was left out and why.</summary>
/// <param name="Jobs">Jobs that ran, sorted by submit time.</param>
/// <param name="Source">The file they came from.</param>
/// <param name="SkippedBadLines">Malformed lines skipped under <see cref="TraceReadOptions.SkipBad"/>.</param>
/// <param name="NeverStarted">Well-formed rows of jobs that never started (cancelled while pending), which a replay cannot use.</param>
public sealed record TraceReadResult(IReadOnlyList<SlurmJob> Jobs, string Source, int SkippedBadLines, int NeverStarted);

public sealed record TraceReadOptions
{
    /// <summary>Skip malformed lines (and count them) instead of failing on the first one.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Standard Workload Format only: processors per node, to turn processor counts into nodes.</summary>
    public int ProcessorsPerNode { get; init; } = 1;
}

/// <summary>A trace file that cannot be read: the message names the file, the line and the field at fault.</summary>
public sealed class TraceFormatException(string message) : BadInputException(message)
{
    public static TraceFormatException At(string file, int line, string field, string problem) =>
        new($"{file}:{line}: field '{field}': {problem}");
}

/// <summary>A trace format name that no reader answers to.</summary>
public sealed class UnknownTraceFormatException(string name)
    : BadInputException($"unknown trace format '{name}'; known formats: {string.Join(", ", TraceReaders.Names)}.");
