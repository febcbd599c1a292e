using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Traces;

/// <summary>A loaded input and where it came from, for the run's recorded parameters.</summary>
public sealed record Sourced<T>(T Value, string Source);

/// <summary>
/// Where a simulation's trace and throughputs come from when the user names none: Shockwave's
/// real files in the repository's data/shockwave when present, otherwise our generator and throughput model.
/// </summary>
public static class ScheduleInputs
{
    public const string CanonicalTrace = "120_0.2_5_100_40_25_0,0.5,0.5_0.6,0.3,0.09,0.01_multigpu_dynamic.trace";
    public const string TaccThroughputs = "tacc_throughputs.json";

    public static Sourced<ThroughputTable> Throughputs(string? path)
    {
        if (path is not null) return new(ThroughputTable.Read(path), path);
        if (ReferenceData.Locate("shockwave") is { } data) return new(ThroughputTable.Read(Path.Combine(data, TaccThroughputs)), TaccThroughputs);
        return new(SyntheticThroughputs.Create(), "synthetic throughput model (reference data absent)");
    }

    /// <param name="path">A trace file, or null for the default.</param>
    /// <param name="throughputs">Used to generate the default trace when the reference data is absent.</param>
    /// <param name="seeds">Seeds that generation.</param>
    public static Sourced<IReadOnlyList<JobSpec>> Trace(string? path, ThroughputTable throughputs, SeedTree seeds)
    {
        if (path is not null) return new(TraceFile.Read(path), Path.GetFileName(path));
        if (ReferenceData.Locate("shockwave") is { } data) return new(TraceFile.Read(Path.Combine(data, CanonicalTrace)), CanonicalTrace);
        var options = new TraceGeneratorOptions();
        return new(new TraceGenerator(throughputs, options).Generate(seeds), $"generated ({options.FileName(seeds.MasterSeed)})");
    }
}
