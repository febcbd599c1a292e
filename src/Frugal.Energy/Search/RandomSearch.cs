using Frugal.Core.Randomness;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Search;

/// <summary>
/// The baseline of design §8: N distinct uniform points of phase 2's grid (at phase 1's CPU clock), recommending the
/// lowest measured energy among those measured within the SLO, else the lowest measured latency.
/// </summary>
public static class RandomSearch
{
    /// <summary>The configurations sampled and the one recommended.</summary>
    public static async Task<(IReadOnlyList<HardwareConfig> Sampled, HardwareConfig Recommended)> RunAsync(
        IEnergyDevice device, TuningPlan plan, double cpuMHz, RandomStream random,
            CancellationToken cancellation = default)
    {
        var grid = device.Describe().Grid.PhaseTwo(cpuMHz).ToArray();
        random.Shuffle(grid);
        var measured = new List<(HardwareConfig Config, Measurement M)>();
        foreach (var config in grid.Take(plan.Budget))
        {
            await device.ApplyAsync(config, cancellation);
            measured.Add((config, await device.MeasureAsync(new Workload(plan.Profile, config.Batch),
                plan.WindowSeconds, cancellation)));
        }
        var feasible = measured.Where(x => x.M.LatencyMs <= plan.SloMs).ToArray();
        var recommended = feasible.Length > 0
            ? feasible.MinBy(x => x.M.EnergyPerQueryJ).Config
            : measured.MinBy(x => x.M.LatencyMs).Config;
        return ([.. measured.Select(x => x.Config)], recommended);
    }
}
