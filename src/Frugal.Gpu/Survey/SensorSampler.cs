using System.Diagnostics;
using Frugal.Gpu.Nvml;

namespace Frugal.Gpu.Survey;

/// <summary>A sensor reading and when it was taken (<see cref="Stopwatch"/> timestamp).</summary>
internal sealed record TimedReading(long Timestamp, SensorReading Reading);

/// <summary>
/// Reads a device's sensors every period on its own thread while the kernels run (design §3.3 step 4). Without
/// sensors it starts no thread and its samples are empty.
/// </summary>
internal sealed class SensorSampler : IDisposable
{
    private readonly IGpuSensors _sensors;
    private readonly TimeSpan _period;
    private readonly ManualResetEventSlim _stop = new();
    private readonly List<TimedReading> _samples = [];
    private readonly Thread? _thread;

    public SensorSampler(IGpuSensors sensors, TimeSpan period)
    {
        _sensors = sensors;
        _period = period;
        if (!sensors.Present) return;
        _thread = new Thread(Loop) { IsBackground = true, Name = "frugal-gpu-sampler" };
        _thread.Start();
    }

    /// <summary>The latest reading, absent before the first.</summary>
    public SensorReading Latest
    {
        get
        {
            lock (_samples) return _samples.Count > 0 ? _samples[^1].Reading : SensorReading.Absent;
        }
    }

    /// <summary>Stops sampling and returns every reading in time order.</summary>
    public IReadOnlyList<TimedReading> Stop()
    {
        _stop.Set();
        _thread?.Join();
        lock (_samples) return [.. _samples];
    }

    private void Loop()
    {
        do
        {
            var reading = new TimedReading(Stopwatch.GetTimestamp(), _sensors.Read());
            lock (_samples) _samples.Add(reading);
        } while (!_stop.Wait(_period));
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
