using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Gpu.Analysis;

/// <summary>
/// Writes a PAL GPU table (the layout of hal-uw/blox-pal:blox/32gpu-variability.csv): an unnamed index, GPU_ID,
/// GPU_UUID, Local_GPU_ID, Node_ID, IP_addr, IN_USE, JOB_IDS and one <c>PerfVar_class&lt;X&gt;</c> column per
/// class, each GPU's r for the app that class stands for. Only GPUs measured for every class are written, so every
/// cell of the table is a measurement.
/// </summary>
public static class PalTableExport
{
    /// <summary>The table's rows: GPUs sorted by node, then device, then UUID; nodes numbered in name order.</summary>
    /// <param name="classes">Class name (e.g. <c>A</c>) → the statistics of the app it stands for.</param>
    /// <returns>The CSV text, and how many GPUs were left out for lacking a class.</returns>
    public static (string Csv, int LeftOut) Format(IReadOnlyList<(string Class, VariationSummary App)> classes)
    {
        if (classes.Count == 0) throw new BadInputException("the GPU table needs at least one class", "classes");
        var byClass = classes.Select(c => c.App.Gpus.ToDictionary(g => g.Uuid, StringComparer.Ordinal)).ToArray();
        var all = classes.SelectMany(c => c.App.Gpus).DistinctBy(g => g.Uuid).ToArray();
        var kept = all.Where(g => byClass.All(d => d.ContainsKey(g.Uuid)))
            .OrderBy(g => g.Node, StringComparer.Ordinal).ThenBy(g => g.Device)
                .ThenBy(g => g.Uuid, StringComparer.Ordinal)
            .ToArray();
        if (kept.Length == 0)
            throw new BadInputException("no GPU was measured for every class, so the GPU table would be empty");
        var nodes = kept.Select(g => g.Node).Distinct().Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        writer.WriteLine(",GPU_ID,GPU_UUID,Local_GPU_ID,Node_ID,IP_addr,IN_USE,JOB_IDS," +
                         string.Join(",", classes.Select(c => $"PerfVar_class{c.Class}")));
        var local = new Dictionary<string, int>();
        for (var id = 0; id < kept.Length; id++)
        {
            var gpu = kept[id];
            var slot = local[gpu.Node] = local.GetValueOrDefault(gpu.Node, -1) + 1;
            var perfVar = byClass.Select(d => d[gpu.Uuid].Ratio.ToString("R", CultureInfo.InvariantCulture));
            writer.WriteLine($"{id},{id},{gpu.Uuid},{slot},{nodes[gpu.Node]},,False,,{string.Join(",", perfVar)}");
        }
        return (writer.ToString(), all.Length - kept.Length);
    }

    /// <summary>Writes <see cref="Format"/>'s table to <paramref name="path"/> (atomically).</summary>
    public static int Write(string path, IReadOnlyList<(string Class, VariationSummary App)> classes)
    {
        var (csv, leftOut) = Format(classes);
        AtomicFile.WriteAllText(path, csv);
        return leftOut;
    }
}
