using System.Globalization;
using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Traces;

/// <summary>A trace generated and written to a file: where it went and what it holds.</summary>
/// <param name="Path">The file written.</param>
/// <param name="Jobs">The number of jobs.</param>
/// <param name="Throughputs">Where the throughputs the steps were computed from came from.</param>
/// <param name="LastArrivalSeconds">When the last job arrives.</param>
/// <param name="Gpus">Jobs by GPU count ("1", "2", "4", "8").</param>
/// <param name="Modes">Jobs by adaptation mode, by their trace names.</param>
public sealed record GeneratedTrace(
    string Path,
    int Jobs,
    string Throughputs,
    double LastArrivalSeconds,
    IReadOnlyDictionary<string, int> Gpus,
    IReadOnlyDictionary<string, int> Modes)
{
    /// <summary>This summary as JSON in the house convention (<see cref="ResultJson.Options"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResultJson.Options);

    /// <summary>Generates a trace and writes it, all or nothing, to <paramref name="path"/> (folder created).</summary>
    /// <param name="path">Where to write the trace.</param>
    /// <param name="throughputs">The throughputs the steps are computed from.</param>
    /// <param name="options">The distributions to draw from.</param>
    /// <param name="seeds">Where every draw comes from.</param>
    /// <exception cref="BadInputException">A setting is out of range, or the file cannot be written.</exception>
    public static GeneratedTrace Write(
        string path, Sourced<ThroughputTable> throughputs, TraceGeneratorOptions options, SeedTree seeds)
    {
        var jobs = new TraceGenerator(throughputs.Value, options).Generate(seeds);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            TraceFile.Write(path, jobs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"cannot write trace '{path}': {e.Message}", "trace file");
        }
        return new GeneratedTrace(path, jobs.Count, throughputs.Source, jobs[^1].ArrivalSeconds,
            new[] { 1, 2, 4, 8 }.ToDictionary(
                g => g.ToString(CultureInfo.InvariantCulture), g => jobs.Count(j => j.ScaleFactor == g)),
            Enum.GetValues<AdaptationMode>().ToDictionary(m => m.TraceName(), m => jobs.Count(j => j.Mode == m)));
    }
}
