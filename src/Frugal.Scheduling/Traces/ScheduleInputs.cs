using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Traces;

/// <summary>A loaded input and where it came from, for the run's recorded parameters.</summary>
/// <param name="Value">The input.</param>
/// <param name="Source">A file name, or how the input was made when no file was given.</param>
public sealed record Sourced<T>(T Value, string Source);

/// <summary>
/// Where a simulation's trace and throughputs come from when the user names none: Shockwave's
/// real files in the repository's data/shockwave when present, otherwise our generator and throughput model.
/// </summary>
public static class ScheduleInputs
{
    /// <summary>The 120-job trace of the Shockwave paper's 32-GPU runs, in data/shockwave.</summary>
    public const string CanonicalTrace = "120_0.2_5_100_40_25_0,0.5,0.5_0.6,0.3,0.09,0.01_multigpu_dynamic.trace";
    /// <summary>The throughputs measured on TACC's V100s, in data/shockwave.</summary>
    public const string TaccThroughputs = "tacc_throughputs.json";

    /// <summary>
    /// The throughputs of <paramref name="path"/>; without one, Shockwave's TACC measurements, or the synthetic
    /// model where the reference data is absent.
    /// </summary>
    /// <exception cref="Core.Errors.BadInputException">The file cannot be read or is malformed.</exception>
    public static Sourced<ThroughputTable> Throughputs(string? path)
    {
        if (path is not null) return new(ThroughputTable.Read(path), path);
        if (ReferenceData.Locate("shockwave") is { } data)
            return new(ThroughputTable.Read(Path.Combine(data, TaccThroughputs)), TaccThroughputs);
        return new(SyntheticThroughputs.Create(), "synthetic throughput model (reference data absent)");
    }

    /// <summary>
    /// The trace of <paramref name="path"/>; without one, Shockwave's canonical trace, or one generated with the
    /// default options where the reference data is absent.
    /// </summary>
    /// <param name="path">A trace file, or null for the default.</param>
    /// <param name="throughputs">Used to generate the default trace when the reference data is absent.</param>
    /// <param name="seeds">Seeds that generation.</param>
    public static Sourced<IReadOnlyList<JobSpec>> Trace(string? path, ThroughputTable throughputs, SeedTree seeds)
    {
        if (path is not null) return new(TraceFile.Read(path), Path.GetFileName(path));
        if (ReferenceData.Locate("shockwave") is { } data)
            return new(TraceFile.Read(Path.Combine(data, CanonicalTrace)), CanonicalTrace);
        var options = new TraceGeneratorOptions();
        return new(new TraceGenerator(throughputs, options).Generate(seeds),
            $"generated ({options.FileName(seeds.MasterSeed)})");
    }
}
