using System.Globalization;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Experiments;

/// <summary>
/// The validation study of design §8 on the simulator: for each profile × SLO × budget, the two-phase tuner and random
/// search over several seeds on the noisy device, scored noise-free against the exhaustive optimum.
/// </summary>
/// <param name="Hardware">The simulated board.</param>
/// <param name="Seeds">Seeds per cell.</param>
/// <param name="Cases">Each cell's runs and summary.</param>
public sealed record PolyThrottleStudy(SimulatedHardware Hardware, int Seeds, IReadOnlyList<CaseSummary> Cases)
{
    /// <summary>The golden table's cells: both profiles at 50, 100 and 200 ms.</summary>
    public static IEnumerable<(string Profile, double SloMs)> GoldenCells =>
        from p in new[] { "vision", "language" } from slo in new[] { 50.0, 100, 200 } select (p, slo);

    /// <summary>Runs every cell of <paramref name="cells"/>, reporting the fraction done.</summary>
    public static PolyThrottleStudy Run(SimulatedHardware hardware, IReadOnlyList<ValidationCase> cells, int seeds,
        MeasurementNoise noise, SeedTree tree, Action<double>? progress = null,
            CancellationToken cancellation = default)
    {
        var done = 0;
        var total = cells.Count * seeds;
        var summaries = cells.Select(cell => ValidationHarness.Run(hardware, cell, seeds, noise, tree,
            () => progress?.Invoke(++done / (double)total), cancellation)).ToArray();
        return new PolyThrottleStudy(hardware, seeds, summaries);
    }

    /// <summary>
    /// Records the study in <paramref name="result"/>: per-cell metrics and the <c>cases</c> table, the median regret
    /// per sample, and per profile × SLO the energy/latency scatter of the grid with its feasible front.
    /// </summary>
    public ExperimentResult ToExperimentResult(ExperimentResult result)
    {
        result.WithParameter("grid", Hardware.Grid.Name).WithParameter("seeds", Seeds)
            .WithParameter("budgets", string.Join(",", Cases.Select(c => c.Case.Budget).Distinct()));
        var table = new RecordTable("cases", [
            new Column("profile", ColumnKind.Text), new Column("slo", Unit: "ms"), new Column("budget"),
            new Column("optimum", Unit: "J"), new Column("median_regret", Unit: "%"), new Column("feasible", Unit: "%"),
            new Column("random_median_regret", Unit: "%"), new Column("median_samples_to_5pct"),
            new Column("mean_violations"), new Column("median_saving", Unit: "%"),
            new Column("golden_saving", Unit: "%"), new Column("median_virtual_time", Unit: "s")]);
        foreach (var c in Cases)
        {
            table.Add(c.Case.Profile, c.Case.SloMs, c.Case.Budget, c.Optimum.EnergyJ, 100 * c.MedianRegret,
                100 * c.FeasibleShare, 100 * c.RandomMedianRegret, c.MedianSamplesToWithin5, c.MeanViolations,
                100 * c.MedianSaving, 100 * c.Optimum.Saving, c.MedianVirtualSeconds);
            var key = c.Case.Key;
            result.WithMetric($"{key}.median_regret", 100 * c.MedianRegret, "%")
                .WithMetric($"{key}.feasible", 100 * c.FeasibleShare, "%")
                .WithMetric($"{key}.random_median_regret", 100 * c.RandomMedianRegret, "%")
                .WithMetric($"{key}.mean_violations", c.MeanViolations);
        }
        result.Records.Add(table);
        result.Charts.Add(new Chart("regret", ChartKind.Line, "Median regret of the incumbent per phase-2 sample",
            "sample", "regret (%)", [.. Cases.Select(c => new Series(Label(c),
                [.. Enumerable.Range(1, c.MedianIncumbentRegret.Length).Select(i => (double)i)],
                [.. c.MedianIncumbentRegret.Select(r => 100 * r)]))]));
        foreach (var c in Cases.DistinctBy(c => (c.Case.Profile, c.Case.SloMs)))
            result.Charts.Add(Scatter(c));
        var worst = Cases.MaxBy(c => c.MedianRegret)!;
        result.Summary = string.Create(CultureInfo.InvariantCulture,
            $"{Cases.Count} cells × {Seeds} seeds: worst median regret {100 * worst.MedianRegret:0.0}% " +
            $"({Label(worst)}); " +
            $"recommendations feasible in {100 * Cases.Min(c => c.FeasibleShare):0}%+ of seeds.");
        return result;
    }

    private static string Label(CaseSummary c) =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Case.Profile} {c.Case.SloMs} ms, N={c.Case.Budget}");

    /// <summary>Every phase-2 grid point, the feasible front (least energy at each latency) and the
    /// recommendations.</summary>
    private Chart Scatter(CaseSummary c)
    {
        var profile = WorkloadProfile.Catalog.Get(c.Case.Profile);
        var points = Hardware.Grid.PhaseTwo(c.Optimum.CpuMHz)
            .Select(x => PerformanceModel.Evaluate(Hardware, profile, x))
            .Select(p => (L: p.LatencySeconds * 1e3, E: p.EnergyPerQueryJ)).ToArray();
        var feasible = points.Where(p => p.L <= c.Case.SloMs).OrderBy(p => p.L).ToArray();
        var front = new List<(double L, double E)>();
        foreach (var p in feasible)
        {
            if (front.Count == 0 || p.E < front[^1].E) front.Add(p);
        }
        var picks = c.Runs.Select(r => PerformanceModel.Evaluate(Hardware, profile, r.Recommended)).ToArray();
        Series Of(string name, IEnumerable<(double L, double E)> xs) => new(name, [.. xs.Select(p => p.L)],
            [.. xs.Select(p => p.E)]);
        return new Chart($"scatter-{c.Case.Profile}-{c.Case.SloMs.ToString(CultureInfo.InvariantCulture)}",
            ChartKind.Scatter,
            string.Create(CultureInfo.InvariantCulture, $"Energy and latency, {c.Case.Profile}, SLO {c.Case.SloMs} ms"),
            "latency (ms)", "energy per query (J)", [
                Of("grid point", points.Where(p => p.L > c.Case.SloMs)), Of("grid point within SLO", feasible),
                Of("feasible front", front),
                Of("recommended (one per seed)", picks.Select(p => (p.LatencySeconds * 1e3, p.EnergyPerQueryJ)))])
        { LogX = true };
    }
}
