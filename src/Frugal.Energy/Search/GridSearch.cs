using Frugal.Energy.Devices;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Search;

/// <summary>
/// The exhaustive answer on the simulator, noise-free (design §8's golden table): phase 1's CPU clock, phase 2's
/// optimum at it, the max-clocks baseline (best feasible batch), and the joint four-knob optimum for comparison.
/// </summary>
/// <param name="CpuMHz">Phase 1's CPU clock: least preprocessing energy per item.</param>
/// <param name="Best">The two-phase optimum (null when nothing meets the SLO).</param>
/// <param name="Point">Its operating point.</param>
/// <param name="BaselineEnergyJ">Energy per query at max clocks with the best feasible batch (NaN if none).</param>
/// <param name="Feasible">Phase-2 points that meet the SLO.</param>
/// <param name="PhaseTwoSize">Phase-2 points.</param>
/// <param name="JointBest">The optimum over all four knobs.</param>
/// <param name="JointEnergyJ">Its energy per query.</param>
public sealed record GridOptimum(
    double CpuMHz, HardwareConfig? Best, OperatingPoint? Point, double BaselineEnergyJ, int Feasible, int PhaseTwoSize,
    HardwareConfig? JointBest, double JointEnergyJ)
{
    /// <summary>E* (NaN when nothing meets the SLO).</summary>
    public double EnergyJ => Point?.EnergyPerQueryJ ?? double.NaN;

    /// <summary>Energy saved against the baseline, as a fraction.</summary>
    public double Saving => 1 - EnergyJ / BaselineEnergyJ;
}

/// <summary>Exhaustive search of the simulated grid (for validation: a real board needs ~10 s per point).</summary>
public static class GridSearch
{
    /// <summary>Phase 1's CPU clock: least P_cpu(f_c, 1)·p / f_c.</summary>
    public static double PhaseOneCpu(SimulatedHardware hardware, WorkloadProfile profile) =>
        hardware.Grid.CpuMHz.MinBy(c => PerformanceModel.PreprocessingEnergy(hardware, profile, c));

    /// <summary>The golden row for <paramref name="profile"/> at <paramref name="sloMs"/>.</summary>
    public static GridOptimum Run(SimulatedHardware hardware, WorkloadProfile profile, double sloMs)
    {
        var grid = hardware.Grid;
        var cpu = PhaseOneCpu(hardware, profile);
        bool Meets(OperatingPoint p) => p.LatencySeconds * 1e3 <= sloMs;
        var phaseTwo = grid.PhaseTwo(cpu)
            .Select(c => (Config: c, Point: PerformanceModel.Evaluate(hardware, profile, c)))
            .Where(x => Meets(x.Point)).ToArray();
        var best = phaseTwo.Length > 0 ? phaseTwo.MinBy(x => x.Point.EnergyPerQueryJ) : default;
        var baseline = grid.Batches.Select(b => PerformanceModel.Evaluate(hardware, profile, grid.MaxClocks(b)))
            .Where(Meets).Select(p => p.EnergyPerQueryJ).DefaultIfEmpty(double.NaN).Min();
        var joint = grid.All().Select(c => (Config: c, Point: PerformanceModel.Evaluate(hardware, profile, c)))
            .Where(x => Meets(x.Point)).ToArray();
        var jointBest = joint.Length > 0 ? joint.MinBy(x => x.Point.EnergyPerQueryJ) : default;
        return new GridOptimum(cpu, phaseTwo.Length > 0 ? best.Config : null, phaseTwo.Length > 0 ? best.Point : null,
            baseline, phaseTwo.Length, grid.PhaseTwoSize, joint.Length > 0 ? jointBest.Config : null,
            joint.Length > 0 ? jointBest.Point.EnergyPerQueryJ : double.NaN);
    }
}
