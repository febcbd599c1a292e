using Frugal.Core.Errors;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Search;

/// <summary>
/// Settings of a two-phase tuning run (design §2–§3). The budget counts phase 2's samples, replicates included; phase 1
/// and the final re-measurement of the top candidates come on top, and the run reports all of them.
/// </summary>
/// <param name="Profile">The workload profile measured.</param>
/// <param name="SloMs">Latency SLO per batch.</param>
/// <param name="Budget">Most phase-2 samples (N).</param>
/// <param name="WindowSeconds">Measurement window (virtual seconds on the simulator).</param>
/// <param name="PhaseOneRepeats">Measurements of each CPU clock in phase 1.</param>
/// <param name="InitialDesign">Latin-hypercube grid points after the max-clocks start.</param>
/// <param name="TopToVerify">Candidates re-measured before the recommendation.</param>
/// <param name="VerifyRepeats">Re-measurements of each.</param>
/// <param name="FeasibleProbability">PF a point needs to be an incumbent or a recommendation.</param>
/// <param name="StopFraction">Stop when max cEI &lt; this · |η| ...</param>
/// <param name="StopPatience">... this many times in a row.</param>
public sealed record TuningPlan(
    string Profile, double SloMs, int Budget = 20, double WindowSeconds = 10, int PhaseOneRepeats = 3,
    int InitialDesign = 3, int TopToVerify = 3, int VerifyRepeats = 2, double FeasibleProbability = 0.95,
    double StopFraction = 0.005, int StopPatience = 3)
{
    /// <summary>The setting named in errors about the SLO.</summary>
    public const string SloSetting = "latency SLO";

    /// <summary>The setting named in errors about the budget.</summary>
    public const string BudgetSetting = "sample budget";

    /// <summary>
    /// Refuses settings no run can satisfy: a budget below the initial design, or (on the simulator, where it is known)
    /// an SLO below the latency of the fastest configuration.
    /// </summary>
    public void Check(SimulatedHardware? hardware)
    {
        if (!(SloMs > 0) || !double.IsFinite(SloMs))
            throw new BadInputException($"the latency SLO must be a positive number of milliseconds, not {SloMs}",
                SloSetting);
        if (Budget < InitialDesign + 1 || Budget > 1000)
            throw new BadInputException($"the sample budget must lie in [{InitialDesign + 1}, 1000], not {Budget}",
                BudgetSetting);
        if (hardware is null) return;
        var profile = WorkloadProfile.Catalog.Get(Profile);
        var fastest = hardware.Grid.All()
            .Select(c => PerformanceModel.Evaluate(hardware, profile, c).LatencySeconds).Min() * 1e3;
        if (SloMs < fastest)
            throw new BadInputException(
                FormattableString.Invariant($"a latency SLO of {SloMs} ms is below the fastest configuration's ") +
                FormattableString.Invariant($"latency, {fastest:0.0} ms ({profile.Name} on {hardware.Grid.Name})"),
                SloSetting);
    }
}
