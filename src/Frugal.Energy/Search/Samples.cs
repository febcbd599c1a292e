using Frugal.Energy.Devices;

namespace Frugal.Energy.Search;

/// <summary>Which part of a tuning run took a sample.</summary>
public enum TuningPhase
{
    /// <summary>The CPU clock grid, preprocessing alone.</summary>
    Cpu,

    /// <summary>Constrained BO over GPU clock, memory clock and batch size.</summary>
    Search,

    /// <summary>Re-measurement of the best candidates before the recommendation.</summary>
    Verify,
}

/// <summary>One measurement a tuning run made.</summary>
/// <param name="Index">1-based position in the run.</param>
/// <param name="Phase">Where in the run.</param>
/// <param name="Config">The configuration measured.</param>
/// <param name="Measurement">What the device reported.</param>
/// <param name="Replicate">The configuration had been measured before in this phase.</param>
/// <param name="VirtualSeconds">The device's (virtual) clock after the sample; NaN on real devices.</param>
public sealed record TuningSample(
    int Index, TuningPhase Phase, HardwareConfig Config, Measurement Measurement, bool Replicate,
        double VirtualSeconds);
