namespace Frugal.Gpu.Survey;

/// <summary>
/// One survey run on one device (design §3.3 step 5). <see cref="Perf"/> is the mean kernel time without the first
/// and the last kernel, as the study's aggregation computes it; the sensor fields are medians over the samples taken
/// while the kernels between them ran, null where the device has no such sensor.
/// </summary>
/// <param name="Exp">The application: <c>sgemm</c>.</param>
/// <param name="Cluster">The survey's cluster label.</param>
/// <param name="Uuid">The GPU's UUID (<c>cpu-HOST</c> on the CPU accelerator).</param>
/// <param name="Name">The device's product name.</param>
/// <param name="Node">The host name.</param>
/// <param name="Device">The device's index on its host.</param>
/// <param name="Driver">The NVIDIA driver version (empty on the CPU accelerator).</param>
/// <param name="Accelerator"><c>cuda</c> or <c>cpu</c>.</param>
/// <param name="Start">When the warm-up kernel started (UTC).</param>
/// <param name="N">The matrices' edge.</param>
/// <param name="Kernels">How many kernels were timed.</param>
/// <param name="Perf">Mean kernel time (ms) without the first and the last.</param>
/// <param name="Tflops">2n³ / <see cref="Perf"/>, in TFLOPS.</param>
/// <param name="SmClockMHz">Median SM clock.</param>
/// <param name="MemoryClockMHz">Median memory clock.</param>
/// <param name="PowerW">Median power.</param>
/// <param name="TemperatureC">Median GPU temperature.</param>
/// <param name="MaxTemperatureC">Highest GPU temperature sampled.</param>
/// <param name="EnergyJ">Energy the device used over the timed kernels, from NVML's counter.</param>
/// <param name="Samples">How many sensor samples the medians come from (0 without sensors).</param>
/// <param name="Reasons">Per clock-event reason, how many samples had it set.</param>
/// <param name="KernelMs">Every timed kernel's time (ms), in order.</param>
public sealed record SurveyRecord(string Exp, string Cluster, string Uuid, string Name, string Node, int Device,
    string Driver, string Accelerator, DateTimeOffset Start, int N, int Kernels, double Perf, double Tflops,
    double? SmClockMHz, double? MemoryClockMHz, double? PowerW, double? TemperatureC, double? MaxTemperatureC,
    double? EnergyJ, int Samples, IReadOnlyDictionary<string, int> Reasons, IReadOnlyList<double> KernelMs);
