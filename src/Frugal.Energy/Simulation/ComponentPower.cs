namespace Frugal.Energy.Simulation;

/// <summary>
/// The power of one component (GPU, memory, CPU) of the simulated device: voltage flat at <paramref name="MinVolts"/>
/// up to the knee, then rising linearly to <paramref name="MaxVolts"/> at the top clock; dynamic power k·f·V² scaled by
/// activity, plus static power.
/// </summary>
/// <param name="MinMHz">Lowest clock.</param>
/// <param name="MaxMHz">Highest clock.</param>
/// <param name="MinVolts">Voltage up to the knee.</param>
/// <param name="MaxVolts">Voltage at the highest clock.</param>
/// <param name="Knee">Where the voltage starts to rise, as a fraction κ of the clock range.</param>
/// <param name="DynamicWatts">Dynamic power at the highest clock, fully busy.</param>
/// <param name="StaticWatts">Static power.</param>
/// <param name="IdleShare">Share ι of dynamic power drawn even when idle.</param>
public sealed record ComponentPower(
    double MinMHz, double MaxMHz, double MinVolts, double MaxVolts, double Knee, double DynamicWatts,
    double StaticWatts, double IdleShare)
{
    private double KneeMHz => MinMHz + Knee * (MaxMHz - MinMHz);

    /// <summary>V(f): <see cref="MinVolts"/> up to the knee, then linear to <see cref="MaxVolts"/> at the top
    /// clock.</summary>
    public double Voltage(double mhz) => mhz <= KneeMHz
        ? MinVolts
        : MinVolts + (MaxVolts - MinVolts) * (mhz - KneeMHz) / (MaxMHz - KneeMHz);

    /// <summary>P(f, u) = s + k·f·V(f)²·(ι + (1 − ι)·u) with k = Pdyn / (f_max·v_max²); u is the busy
    /// fraction.</summary>
    public double Watts(double mhz, double busy)
    {
        var k = DynamicWatts / (MaxMHz * MaxVolts * MaxVolts);
        var v = Voltage(mhz);
        return StaticWatts + k * mhz * v * v * (IdleShare + (1 - IdleShare) * busy);
    }

    /// <summary>The same component over another clock range (the tx2-like grid).</summary>
    public ComponentPower Over(IReadOnlyList<double> clocks) => this with { MinMHz = clocks[0], MaxMHz = clocks[^1] };
}
