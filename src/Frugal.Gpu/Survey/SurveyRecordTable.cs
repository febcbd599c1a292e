using System.Globalization;
using System.Text.Json;
using Frugal.Core.IO;
using Frugal.Core.Results;

namespace Frugal.Gpu.Survey;

/// <summary>
/// Writes survey records as CSV, one row per run, in the columns <see cref="Measurements.RunTableReader"/> reads
/// (<c>exp</c>, <c>cluster</c>, <c>uuid</c>, <c>node</c>, <c>device</c>, <c>perf</c>, <c>freq</c>, <c>pwr</c>,
/// <c>temp</c>), so <c>frugal gpu analyze</c> takes a survey's output as it takes the study's; and as JSON in the
/// house convention. Lists inside a field are separated by ';', so no field holds a comma.
/// </summary>
public static class SurveyRecordTable
{
    /// <summary>The CSV header.</summary>
    public const string Header = "exp,cluster,uuid,name,node,device,driver,accelerator,start,n,kernels,perf,tflops," +
                                 "freq,memfreq,pwr,temp,max_temp,energy_j,samples,reasons,kernel_ms";

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/> as CSV (atomically).</summary>
    public static void WriteCsv(string path, IEnumerable<SurveyRecord> records) =>
        AtomicFile.Write(path, writer =>
        {
            writer.Write(Header + "\n");
            foreach (var r in records) writer.Write(Row(r) + "\n");
        });

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/> as a JSON array (atomically).</summary>
    public static void WriteJson(string path, IReadOnlyList<SurveyRecord> records) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(records, ResultJson.Options));

    /// <summary>One record as a CSV row.</summary>
    internal static string Row(SurveyRecord r) => string.Join(",",
        r.Exp, r.Cluster, r.Uuid, r.Name.Replace(',', ' '), r.Node, I(r.Device), r.Driver, r.Accelerator,
        r.Start.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), I(r.N), I(r.Kernels),
        F(r.Perf), F(r.Tflops), F(r.SmClockMHz), F(r.MemoryClockMHz), F(r.PowerW), F(r.TemperatureC),
        F(r.MaxTemperatureC), F(r.EnergyJ), I(r.Samples),
        string.Join(';', r.Reasons.Select(p => $"{p.Key}:{I(p.Value)}")),
        string.Join(';', r.KernelMs.Select(ms => F(ms))));

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A number to seven significant digits (a CPU run's TFLOPS are tiny); empty for an absent sensor.
    /// </summary>
    private static string F(double? value) => value is { } v ? v.ToString("G7", CultureInfo.InvariantCulture) : "";
}
