using System.Diagnostics;
using Frugal.Core.Statistics;
using Frugal.Gpu.Nvml;

namespace Frugal.Gpu.Survey;

/// <summary>Where one device's survey stands, for a live display.</summary>
/// <param name="Device">The device's index.</param>
/// <param name="Name">Its product name.</param>
/// <param name="N">The matrix size it runs.</param>
/// <param name="Done">Timed kernels finished (0 after the warm-up).</param>
/// <param name="Kernels">Timed kernels in all.</param>
/// <param name="LastMs">The last kernel's time; null before the first.</param>
/// <param name="Latest">The latest sensor reading.</param>
public sealed record SurveyProgress(int Device, string Name, int N, int Done, int Kernels, double? LastMs,
    SensorReading Latest);

/// <summary>
/// The §3.3 protocol on one device: choose n, fill the inputs from the seed, one warm-up, K timed products while a
/// sampler thread reads the sensors, then one <see cref="SurveyRecord"/>.
/// </summary>
internal static class SurveyProtocol
{
    public static SurveyRecord Run(SurveyTarget target, SurveyPlan plan, Action<SurveyProgress> progress,
        CancellationToken cancellation)
    {
        var n = SurveySize.Choose(plan.Size, target.DefaultSize, target.FreeMemoryBytes());
        using var sgemm = new Sgemm(target.Accelerator, n, plan.Seed);
        var start = DateTimeOffset.UtcNow;
        sgemm.RunTimed();
        using var sampler = new SensorSampler(target.Sensors, TimeSpan.FromMilliseconds(plan.SampleMs));
        var energyBefore = target.Sensors.Read().EnergyJ;
        var kernelMs = new double[plan.Kernels];
        var kernelStart = new long[plan.Kernels];
        progress(new SurveyProgress(target.Device, target.Name, n, 0, plan.Kernels, null, sampler.Latest));
        for (var k = 0; k < plan.Kernels; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            kernelStart[k] = Stopwatch.GetTimestamp();
            kernelMs[k] = sgemm.RunTimed();
            progress(new SurveyProgress(target.Device, target.Name, n, k + 1, plan.Kernels, kernelMs[k],
                sampler.Latest));
        }
        var energyAfter = target.Sensors.Read().EnergyJ;
        var samples = Window(sampler.Stop(), kernelStart[1], kernelStart[^1]);
        var perf = kernelMs[1..^1].Average();
        double? Median(Func<SensorReading, double?> field) =>
            samples.Select(field).OfType<double>().ToArray() is { Length: > 0 } values ? Summary.Median(values) : null;
        return new SurveyRecord("sgemm", plan.Cluster, target.Uuid, target.Name, target.Node, target.Device,
            target.Driver, target.Kind.ToString().ToLowerInvariant(), start, n, plan.Kernels, perf,
            sgemm.Flops / (perf * 1e-3) / 1e12, Median(r => r.SmClockMHz), Median(r => r.MemoryClockMHz),
            Median(r => r.PowerW), Median(r => r.TemperatureC),
            samples.Select(r => r.TemperatureC).Max(),
            energyAfter - energyBefore, samples.Count,
            ClockReasons.Histogram(samples.Select(r => r.Reasons).OfType<ulong>()), kernelMs);
    }

    /// <summary>
    /// The readings taken after the first timed kernel and before the last one started (the study's window: kernels
    /// strictly inside the first and the last); all of them where that window caught none (a short run).
    /// </summary>
    internal static IReadOnlyList<SensorReading> Window(IReadOnlyList<TimedReading> samples, long from, long to)
    {
        var inside = samples.Where(s => s.Timestamp >= from && s.Timestamp < to).ToArray();
        return [.. (inside.Length > 0 ? inside : samples).Select(s => s.Reading)];
    }
}
