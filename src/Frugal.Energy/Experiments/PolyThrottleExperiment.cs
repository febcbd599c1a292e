using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Experiments;

/// <summary>
/// PolyThrottle for <c>frugal reproduce</c>: the two-phase tuner on the simulated Orin-like board against random search
/// at equal budgets, regret per sample, SLO violations and the energy/latency scatter with the feasible front. Quick:
/// vision at 50 and 100 ms, N = 20, 3 seeds (seconds); full: the six golden cells, N = 20, 10 seeds.
/// </summary>
public sealed class PolyThrottleExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "energy.polythrottle";

    /// <inheritdoc />
    public string Title => "Energy: PolyThrottle's constrained BO of clocks and batch size against the exhaustive grid";

    /// <inheritdoc />
    public string Description =>
        "Tunes CPU clock, then GPU clock, memory clock and batch size under a latency SLO " +
        "on the simulated board, and " +
        "scores each recommendation noise-free against the exhaustive optimum and random search at equal budget.";

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context)
    {
        var cells = context.Quick
            ? new[] { new ValidationCase("vision", 50, 20), new ValidationCase("vision", 100, 20) }
            : [.. PolyThrottleStudy.GoldenCells.Select(c => new ValidationCase(c.Profile, c.SloMs, 20))];
        return PolyThrottleStudy.Run(SimulatedHardware.OrinLike, cells, context.Quick ? 3 : 10,
            MeasurementNoise.Default,
                context.Seeds, context.ReportProgress, context.Cancellation)
            .ToExperimentResult(context.NewResult(this));
    }
}
