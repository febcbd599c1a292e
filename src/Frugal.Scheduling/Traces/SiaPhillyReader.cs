using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Scheduling.GpuPlacement;

namespace Frugal.Scheduling.Traces;

/// <summary>
/// Reads a Sia-Philly trace (hal-uw/blox-pal:workload-traces/philly/workload-N.csv):
/// <c>job_id,num_gpus,submit_time,duration,model</c>, where duration is the job's iteration count (as the reference
/// replays it). An optional sixth column <c>class</c> overrides the model's performance class.
/// </summary>
public static class SiaPhillyReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="BadInputException">A malformed line, an unknown model or class (file:line:field).</exception>
    public static IReadOnlyList<PlacementJob> Read(string path)
    {
        using var reader = InputFile.OpenText(path, "trace", 64L << 20);
        return Parse(reader, path);
    }

    /// <summary>Parses a trace from <paramref name="reader"/>; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<PlacementJob> Parse(TextReader reader, string source)
    {
        var header = (reader.ReadLine() ?? throw new BadInputException($"{source}: the trace is empty")).Trim();
        var withClass = header == "job_id,num_gpus,submit_time,duration,model,class";
        if (!withClass && header != "job_id,num_gpus,submit_time,duration,model")
            throw new BadInputException(
                $"{source}:1: the header is '{header}', not job_id,num_gpus,submit_time,duration,model[,class]");
        var jobs = new List<PlacementJob>();
        var ids = new HashSet<int>();
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var at = $"{source}:{number}";
            var f = line.Split(',', StringSplitOptions.TrimEntries);
            if (f.Length != (withClass ? 6 : 5))
                throw new BadInputException($"{at}: {f.Length} fields where the header has {(withClass ? 6 : 5)}");
            var id = (int)Number(f[0], "job_id", at, whole: true, min: 0);
            if (!ids.Add(id)) throw new BadInputException($"{at}: field 'job_id' {id} appears twice");
            var model = SiaPhillyModels.Catalog.Contains(f[4])
                ? SiaPhillyModels.Catalog.Get(f[4])
                : throw new BadInputException($"{at}: field 'model' '{f[4]}' is unknown (known: " +
                                              $"{string.Join(", ", SiaPhillyModels.Catalog.Names)})");
            var perfClass = withClass ? Class(f[5], at) : model.Class;
            jobs.Add(new PlacementJob(id, (int)Number(f[1], "num_gpus", at, whole: true, min: 1),
                Number(f[2], "submit_time", at, whole: false, min: 0),
                    Number(f[3], "duration", at, whole: false, min: 0),
                SiaPhillyModels.Catalog.Canonical(f[4]), perfClass, model.IterationSeconds, at));
        }
        if (jobs.Count == 0) throw new BadInputException($"{source}: the trace has no job");
        return jobs;
    }

    private static string Class(string text, string at)
    {
        var name = text.StartsWith("class", StringComparison.Ordinal) ? text["class".Length..] : text;
        return name.Length > 0 && name.All(char.IsAsciiLetterOrDigit)
            ? name
            : throw new BadInputException($"{at}: field 'class' '{text}' is not a class name (A, B, classC, ...)");
    }

    private static double Number(string text, string field, string at, bool whole, double min)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)
            || (whole && (v != Math.Floor(v) || v > int.MaxValue)) || v < min)
            throw new BadInputException(
                $"{at}: field '{field}' is '{text}', not {(whole ? "a whole number" : "a number")} ≥ {min}");
        return v;
    }
}
