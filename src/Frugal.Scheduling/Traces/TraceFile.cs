using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Traces;

/// <summary>
/// Gavel's and Shockwave's trace format: one job per line, 12 tab-separated fields: job type,
/// command, working directory, steps argument, needs-data-dir (0/1), total steps, scale factor,
/// mode (static|accordion|gns), priority weight, SLO (−1 for none), duration (s), arrival (s).
/// </summary>
public static class TraceFile
{
    private static readonly string[] Fields =
        ["job_type", "command", "working_dir", "num_steps_arg", "needs_data_dir", "total_steps", "scale_factor",
            "mode", "priority_weight", "slo", "duration", "arrival"];

    /// <summary>The largest trace file accepted, in bytes (about half a million jobs).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>The most epochs one job may train: the simulator keeps each job's batch size per epoch.</summary>
    public const int MaxEpochsPerJob = 1_000_000;

    /// <summary>The most epochs all the jobs of a trace may train together.</summary>
    public const long MaxEpochsPerTrace = 10_000_000;

    /// <summary>Reads a trace file (see <see cref="Read(TextReader, string)"/>).</summary>
    /// <exception cref="BadInputException">
    /// The file is missing, not a regular file, larger than <see cref="MaxFileBytes"/>, or malformed
    /// (<see cref="TraceFormatException"/>, naming file, line and field).
    /// </exception>
    public static List<JobSpec> Read(string path)
    {
        using var reader = InputFile.OpenText(path, "trace", MaxFileBytes);
        return Read(reader, path);
    }

    /// <summary>Reads a trace: one job per line, blank lines skipped, jobs in arrival order.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <exception cref="TraceFormatException">A line is malformed; the message names the line and field.</exception>
    public static List<JobSpec> Read(TextReader reader, string source)
    {
        var jobs = new List<JobSpec>();
        var lineNumber = 0;
        var epochs = new EpochBudget(source);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var job = ParseLine(line, jobs.Count, source, lineNumber);
            epochs.Add(job, $"{source}:{lineNumber}: field '{Fields[5]}'");
            jobs.Add(job);
        }
        if (jobs.Count == 0) throw new TraceFormatException($"{source}: holds no jobs.");
        for (var i = 1; i < jobs.Count; i++)
            if (jobs[i].ArrivalSeconds < jobs[i - 1].ArrivalSeconds)
                throw new TraceFormatException(
                    $"{source}: job {i} arrives at {jobs[i].ArrivalSeconds} s, before job {i - 1} " +
                    $"({jobs[i - 1].ArrivalSeconds} s): jobs must be in arrival order.");
        return jobs;
    }

    /// <summary>Writes <paramref name="jobs"/> to <paramref name="path"/>, all or nothing, in the format
    /// <see cref="Read(string)"/> reads.</summary>
    public static void Write(string path, IEnumerable<JobSpec> jobs) =>
        AtomicFile.Write(path, writer => Write(writer, jobs));

    /// <summary>Writes <paramref name="jobs"/> one per line, tab-separated, as Gavel and Shockwave do.</summary>
    public static void Write(TextWriter writer, IEnumerable<JobSpec> jobs)
    {
        foreach (var j in jobs)
        {
            string[] fields =
            [
                j.Type.ToString(), j.Command, j.WorkingDirectory, j.NumStepsArgument, j.NeedsDataDirectory ? "1" : "0",
                Number(Math.Round(j.TotalSteps)), j.ScaleFactor.ToString(CultureInfo.InvariantCulture),
                    j.Mode.TraceName(),
                Number(j.PriorityWeight), j.Slo.ToString("F6", CultureInfo.InvariantCulture),
                    Number(j.DurationSeconds), Number(j.ArrivalSeconds),
            ];
            writer.Write(string.Join('\t', fields));
            writer.Write('\n');
        }
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static JobSpec ParseLine(string line, int id, string source, int lineNumber)
    {
        var f = line.Split('\t');
        if (f.Length != Fields.Length)
            throw new TraceFormatException($"{source}:{lineNumber}: {f.Length} tab-separated fields, " +
                $"expected {Fields.Length} ({string.Join(", ", Fields)}).");

        JobType type;
        try { type = JobType.Parse(f[0]); }
        catch (FormatException e) { throw TraceFormatException.At(source, lineNumber, Fields[0], e.Message); }

        var needsData = f[4] switch
        {
            "0" => false,
            "1" => true,
            _ => throw TraceFormatException.At(source, lineNumber, Fields[4], $"'{f[4]}' is not 0 or 1."),
        };
        var totalSteps = Positive(f, 5);
        var gpus = Positive(f, 6);
        if (gpus != Math.Floor(gpus) || gpus > ClusterSpec.MaxGpusPerType)
            throw TraceFormatException.At(source, lineNumber, Fields[6],
                $"'{f[6]}' is not a whole number of GPUs from 1 to {ClusterSpec.MaxGpusPerType:N0}.");
        var scaleFactor = (int)gpus;
        if (!AdaptationModes.TryParse(f[7], out var mode))
            throw TraceFormatException.At(source, lineNumber, Fields[7],
                $"'{f[7]}' is not one of static, accordion, gns.");
        var priority = Positive(f, 8);
        var slo = Real(f, 9);
        var duration = Positive(f, 10);
        var arrival = Real(f, 11);
        if (arrival < 0) throw TraceFormatException.At(source, lineNumber, Fields[11],
            $"arrival {arrival} is negative.");
        return new JobSpec(id, type, f[1], f[2], f[3], needsData, totalSteps, scaleFactor, mode, priority, slo,
            duration, arrival);

        // .NET's parser ignores trailing NUL characters; a number in a trace is plain text.
        double Real(string[] fields, int i) =>
            !fields[i].Contains('\0')
            && double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value)
                ? value
                : throw TraceFormatException.At(source, lineNumber, Fields[i], $"'{fields[i]}' is not a number.");

        double Positive(string[] fields, int i)
        {
            var value = Real(fields, i);
            return value > 0 ? value
                : throw TraceFormatException.At(source, lineNumber, Fields[i], $"{value} must be positive.");
        }
    }
}

/// <summary>
/// Counts the epochs of a trace's jobs against <see cref="TraceFile.MaxEpochsPerJob"/> and
/// <see cref="TraceFile.MaxEpochsPerTrace"/>, so that a trace the simulator could not hold is refused
/// when it is read or generated, not when memory runs out.
/// </summary>
internal sealed class EpochBudget(string source)
{
    private long _total;

    /// <param name="job">The next job.</param>
    /// <param name="where">Where the job's steps come from, for the message.</param>
    /// <exception cref="TraceFormatException">The job, or the trace so far, has too many epochs.</exception>
    public void Add(JobSpec job, string where)
    {
        // In doubles: a huge step count or batch size must not overflow before it is refused.
        var epochs = Math.Ceiling(job.TotalSteps / (double)job.Type.Family.StepsPerEpoch(job.Type.BatchSize) - 1e-9);
        if (!(epochs is >= 1 and <= TraceFile.MaxEpochsPerJob))
            throw new TraceFormatException(
                $"{where}: {Invariant.Text(job.TotalSteps)} steps of {job.Type} are {Invariant.Text(epochs)} epochs; " +
                $"a job may train 1 to {TraceFile.MaxEpochsPerJob:N0}.");
        _total += (long)epochs;
        if (_total > TraceFile.MaxEpochsPerTrace)
            throw new TraceFormatException(
                $"{where}: {source}'s jobs train more than {TraceFile.MaxEpochsPerTrace:N0} epochs in all, "
                + "more than a simulation holds.");
    }
}
