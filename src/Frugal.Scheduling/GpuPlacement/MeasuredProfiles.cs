using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Statistics;
using Frugal.Gpu.Measurements;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>
/// The measurements behind each class (hal-uw/blox-pal:profiles.json: class → measurement CSV, e.g. classA →
/// resnet-longhorn-agg.csv), normalised as the reference does: every run's perf / the median perf of its file.
/// </summary>
public static class MeasuredProfiles
{
    /// <summary>Reads a profiles file; its CSV paths are relative to the file's folder.</summary>
    /// <exception cref="BadInputException">Malformed JSON, a class without the <c>class</c> prefix, or a bad CSV.
    /// </exception>
    public static IReadOnlyList<(string Class, double[] Normalised)> Read(string profilesPath)
    {
        var text = InputFile.ReadAllText(profilesPath, "profiles file", 1 << 20);
        Dictionary<string, string>? map;
        try
        {
            map = JsonSerializer.Deserialize<Dictionary<string, string>>(text);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{profilesPath}: not a JSON object of class → file ({e.Message})", null, e);
        }
        if (map is null || map.Count == 0) throw new BadInputException($"{profilesPath}: names no class");
        var folder = Path.GetDirectoryName(Path.GetFullPath(profilesPath))!;
        return [.. map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            if (!p.Key.StartsWith("class", StringComparison.Ordinal) || p.Key.Length == "class".Length)
                throw new BadInputException($"{profilesPath}: '{p.Key}' is not a class name like classA");
            var perf = RunTableReader.ReadFile(Path.Combine(folder, p.Value)).Select(r => r.Perf).ToArray();
            var median = Summary.Median(perf);
            return (p.Key["class".Length..], perf.Select(v => v / median).ToArray());
        })];
    }

    /// <summary>
    /// A <paramref name="nodes"/> × <paramref name="gpusPerNode"/> cluster with PerfVar drawn from
    /// <paramref name="profilesPath"/>'s measurements by CPython's generator seeded with <paramref name="seed"/>
    /// (42: the reference's cluster).
    /// </summary>
    public static GpuTable Sample(string profilesPath, int nodes, int gpusPerNode, ulong seed) =>
        GpuTable.Sample(nodes, gpusPerNode, Read(profilesPath), seed,
            $"{nodes}×{gpusPerNode} GPUs sampled from {profilesPath} (seed {seed})");
}
