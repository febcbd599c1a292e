namespace Frugal.Energy.Simulation;

/// <summary>
/// How the simulator's measurements deviate from the model: multiplicative log-normal noise on latency and energy,
/// occasional interference spikes on latency, and optionally a power sensor sampled every 50 ms instead of the energy
/// noise.
/// </summary>
/// <param name="LatencySigma">σ_L of ln latency.</param>
/// <param name="EnergySigma">σ_E of ln energy.</param>
/// <param name="SpikeProbability">Chance that a measurement's latency is hit by interference.</param>
/// <param name="SpikeLow">Smallest spike factor.</param>
/// <param name="SpikeHigh">Largest spike factor.</param>
/// <param name="Sensor">Integrate a sampled power sensor (1 + N(0, 0.02) per 50 ms sample, 1 mW steps).</param>
public sealed record MeasurementNoise(
    double LatencySigma = 0.03, double EnergySigma = 0.05, double SpikeProbability = 0.02, double SpikeLow = 1.2,
    double SpikeHigh = 1.6, bool Sensor = false)
{
    /// <summary>The design's defaults.</summary>
    public static MeasurementNoise Default { get; } = new();

    /// <summary>Exact measurements: the model itself (golden values, validation scoring).</summary>
    public static MeasurementNoise None { get; } = new(0, 0, 0, 1, 1);

    /// <summary>Relative standard deviation of one power-sensor sample.</summary>
    public const double SensorSampleSigma = 0.02;

    /// <summary>Seconds between power-sensor samples (tegrastats --interval 50).</summary>
    public const double SensorIntervalSeconds = 0.05;
}
