namespace Frugal.Gpu.Measurements;

/// <summary>
/// One measured run of an application on one GPU: the study's aggregated row or one record of our survey. Perf is a
/// time (larger = slower); the sensor readings are the run's medians, absent where the source has none.
/// </summary>
/// <param name="App">The application (the study's <c>exp</c> column: resnet, bert, pagerank, sgemm).</param>
/// <param name="Cluster">The cluster the GPU belongs to (longhorn, frontera, lonestar6, or a survey's label).</param>
/// <param name="Uuid">The GPU's identity.</param>
/// <param name="Node">The node the GPU sits in (cabinet-node or hostname; empty when unknown).</param>
/// <param name="Device">The GPU's index within its node (-1 when unknown).</param>
/// <param name="Perf">The run's performance as a time: mean kernel or iteration duration.</param>
/// <param name="SmClockMHz">Median SM clock during the run.</param>
/// <param name="PowerW">Median power during the run.</param>
/// <param name="TemperatureC">Median GPU temperature during the run.</param>
public sealed record GpuRun(string App, string Cluster, string Uuid, string Node, int Device, double Perf,
    double? SmClockMHz = null, double? PowerW = null, double? TemperatureC = null);
