using System.Globalization;
using Frugal.Core.Randomness;
using Frugal.Energy.Devices;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Search;

/// <summary>One cell of the validation study: a profile, an SLO and a budget.</summary>
public sealed record ValidationCase(string Profile, double SloMs, int Budget)
{
    /// <summary>The seed-tree name of the cell, so every cell's numbers are independent of the others.</summary>
    internal string Key => string.Create(CultureInfo.InvariantCulture, $"{Profile}-{SloMs}-{Budget}");
}

/// <summary>One seed of a cell, scored noise-free against the grid optimum.</summary>
/// <param name="Seed">The seed's number.</param>
/// <param name="Recommended">The tuner's recommendation.</param>
/// <param name="Regret">E(x̂) / E* − 1 of the recommendation.</param>
/// <param name="Feasible">The recommendation meets the SLO.</param>
/// <param name="Violations">Phase-2 samples whose configuration misses the SLO.</param>
/// <param name="SamplesToWithin5">First phase-2 sample that is feasible and within 5% of E* (null: none).</param>
/// <param name="IncumbentRegret">The incumbent's regret after each phase-2 sample (+∞ while it misses the SLO).</param>
/// <param name="RandomRegret">Random search's regret at the same budget.</param>
/// <param name="RandomFeasible">Random search's recommendation meets the SLO.</param>
/// <param name="VirtualSeconds">Tuning time on the simulator's clock.</param>
public sealed record ValidationRun(
    int Seed, HardwareConfig Recommended, double Regret, bool Feasible, int Violations, int? SamplesToWithin5,
        double[] IncumbentRegret,
    double RandomRegret, bool RandomFeasible, double VirtualSeconds)
{
    /// <summary>Regret where a recommendation that misses the SLO ranks worst.</summary>
    public double Score => Feasible ? Regret : double.PositiveInfinity;

    /// <summary>Random search's score, likewise.</summary>
    public double RandomScore => RandomFeasible ? RandomRegret : double.PositiveInfinity;
}

/// <summary>A cell's runs and their summary figures.</summary>
public sealed record CaseSummary(ValidationCase Case, GridOptimum Optimum, IReadOnlyList<ValidationRun> Runs)
{
    /// <summary>Median regret, infeasible recommendations ranked worst (+∞ if they are the median).</summary>
    public double MedianRegret => Median(Runs.Select(r => r.Score));

    /// <summary>Random search's median, likewise.</summary>
    public double RandomMedianRegret => Median(Runs.Select(r => r.RandomScore));

    /// <summary>Share of seeds whose recommendation meets the SLO.</summary>
    public double FeasibleShare => Runs.Count(r => r.Feasible) / (double)Runs.Count;

    /// <summary>Median samples until within 5% of E* (never: +∞).</summary>
    public double MedianSamplesToWithin5 =>
        Median(Runs.Select(r => r.SamplesToWithin5 is { } n ? n : double.PositiveInfinity));

    /// <summary>Mean SLO-violating samples per run.</summary>
    public double MeanViolations => Runs.Average(r => r.Violations);

    /// <summary>Median energy saved against max clocks by the recommendation (feasible seeds only).</summary>
    public double MedianSaving => Median(Runs.Where(r => r.Feasible)
        .Select(r => 1 - (1 + r.Regret) * Optimum.EnergyJ / Optimum.BaselineEnergyJ));

    /// <summary>Median virtual tuning time per run, seconds.</summary>
    public double MedianVirtualSeconds => Median(Runs.Select(r => r.VirtualSeconds));

    /// <summary>Median incumbent regret after sample k (index k − 1), over the seeds that took that many
    /// samples.</summary>
    public double[] MedianIncumbentRegret =>
        [.. Enumerable.Range(0, Runs.Max(r => r.IncumbentRegret.Length)).Select(k =>
            Median(Runs.Select(r => r.IncumbentRegret[Math.Min(k, r.IncumbentRegret.Length - 1)])))];

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>
/// Design §8's harness: per seed, the two-phase tuner and random search on the noisy simulator, each recommendation
/// scored noise-free against the exhaustive optimum.
/// </summary>
public static class ValidationHarness
{
    /// <summary>Runs <paramref name="seeds"/> seeds of <paramref name="cell"/>; <paramref name="seedDone"/> after
    /// each.</summary>
    public static CaseSummary Run(SimulatedHardware hardware, ValidationCase cell, int seeds, MeasurementNoise noise,
        SeedTree tree, Action? seedDone = null, CancellationToken cancellation = default)
    {
        var profile = WorkloadProfile.Catalog.Get(cell.Profile);
        var optimum = GridSearch.Run(hardware, profile, cell.SloMs);
        var plan = new TuningPlan(profile.Name, cell.SloMs, cell.Budget);
        var cellTree = tree.Child(cell.Key);
        var runs = new List<ValidationRun>();
        for (var s = 0; s < seeds; s++)
        {
            var seed = cellTree.Child(s.ToString(CultureInfo.InvariantCulture));
            using var device = new SimulatedDevice(hardware, noise, seed.Stream("device"));
            var result = TwoPhaseTuner.RunAsync(device, plan, seed,
                cancellation: cancellation).GetAwaiter().GetResult();
            using var randomDevice = new SimulatedDevice(hardware, noise, seed.Stream("random-device"));
            var random = RandomSearch.RunAsync(randomDevice, plan, optimum.CpuMHz, seed.Stream("random"), cancellation)
                .GetAwaiter().GetResult();
            var (regret, feasible) = Score(result.Recommended);
            var (randomRegret, randomFeasible) = Score(random.Recommended);
            var search = result.SearchSamples;
            var within = search.FirstOrDefault(x => Score(x.Config) is { Feasible: true, Regret: <= 0.05 });
            runs.Add(new ValidationRun(s, result.Recommended, regret, feasible,
                search.Count(x => !Score(x.Config).Feasible),
                within?.Index - search[0].Index + 1,
                [.. result.Incumbents.Select(Score).Select(x => x.Feasible ? x.Regret : double.PositiveInfinity)],
                randomRegret, randomFeasible, result.VirtualSeconds));
            seedDone?.Invoke();
        }
        return new CaseSummary(cell, optimum, runs);

        (double Regret, bool Feasible) Score(HardwareConfig config)
        {
            var point = PerformanceModel.Evaluate(hardware, profile, config);
            return (point.EnergyPerQueryJ / optimum.EnergyJ - 1, point.LatencySeconds * 1e3 <= cell.SloMs);
        }
    }
}
