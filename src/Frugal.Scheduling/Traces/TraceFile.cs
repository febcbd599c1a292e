using System.Globalization;
using Frugal.Core.IO;
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
        ["job_type", "command", "working_dir", "num_steps_arg", "needs_data_dir", "total_steps", "scale_factor", "mode", "priority_weight", "slo", "duration", "arrival"];

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">A line is malformed; the message names file, line and field.</exception>
    public static List<JobSpec> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"trace file '{path}' does not exist.", path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    public static List<JobSpec> Read(TextReader reader, string source)
    {
        var jobs = new List<JobSpec>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            jobs.Add(ParseLine(line, jobs.Count, source, lineNumber));
        }
        if (jobs.Count == 0) throw new TraceFormatException($"{source}: holds no jobs.");
        for (var i = 1; i < jobs.Count; i++)
            if (jobs[i].ArrivalSeconds < jobs[i - 1].ArrivalSeconds)
                throw new TraceFormatException($"{source}: job {i} arrives at {jobs[i].ArrivalSeconds} s, before job {i - 1} ({jobs[i - 1].ArrivalSeconds} s): jobs must be in arrival order.");
        return jobs;
    }

    public static void Write(string path, IEnumerable<JobSpec> jobs) => AtomicFile.Write(path, writer => Write(writer, jobs));

    public static void Write(TextWriter writer, IEnumerable<JobSpec> jobs)
    {
        foreach (var j in jobs)
        {
            string[] fields =
            [
                j.Type.ToString(), j.Command, j.WorkingDirectory, j.NumStepsArgument, j.NeedsDataDirectory ? "1" : "0",
                Number(Math.Round(j.TotalSteps)), j.ScaleFactor.ToString(CultureInfo.InvariantCulture), j.Mode.TraceName(),
                Number(j.PriorityWeight), j.Slo.ToString("F6", CultureInfo.InvariantCulture), Number(j.DurationSeconds), Number(j.ArrivalSeconds),
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
            throw new TraceFormatException($"{source}:{lineNumber}: {f.Length} tab-separated fields, expected {Fields.Length} ({string.Join(", ", Fields)}).");

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
        var scaleFactor = (int)Positive(f, 6);
        if (scaleFactor != Positive(f, 6)) throw TraceFormatException.At(source, lineNumber, Fields[6], $"'{f[6]}' is not a whole number of GPUs.");
        if (!AdaptationModes.TryParse(f[7], out var mode))
            throw TraceFormatException.At(source, lineNumber, Fields[7], $"'{f[7]}' is not one of static, accordion, gns.");
        var priority = Positive(f, 8);
        var slo = Real(f, 9);
        var duration = Positive(f, 10);
        var arrival = Real(f, 11);
        if (arrival < 0) throw TraceFormatException.At(source, lineNumber, Fields[11], $"arrival {arrival} is negative.");
        return new JobSpec(id, type, f[1], f[2], f[3], needsData, totalSteps, scaleFactor, mode, priority, slo, duration, arrival);

        double Real(string[] fields, int i) =>
            double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw TraceFormatException.At(source, lineNumber, Fields[i], $"'{fields[i]}' is not a number.");

        double Positive(string[] fields, int i)
        {
            var value = Real(fields, i);
            return value > 0 ? value : throw TraceFormatException.At(source, lineNumber, Fields[i], $"{value} must be positive.");
        }
    }
}
