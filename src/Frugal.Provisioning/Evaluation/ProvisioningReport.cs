using System.Globalization;
using Frugal.Core.Results;
using Frugal.Provisioning.Simulation;

namespace Frugal.Provisioning.Evaluation;

/// <summary>Turns chain outcomes and simulator validations into result tables, metrics and plots.</summary>
internal static class ProvisioningReport
{
    public static RecordTable MethodTable(IEnumerable<MethodOutcome> outcomes)
    {
        var table = new RecordTable("methods", [
            new Column("method", ColumnKind.Text), new Column("load"), new Column("chains"),
                new Column("mean_interruption", Unit: "h"),
            new Column("median_interruption", Unit: "h"), new Column("zero_interruption", Unit: "%"),
                new Column("overlap", Unit: "node-h/chain"),
        ]);
        foreach (var o in outcomes)
            table.Add(o.Method, o.Load, o.Chains, o.MeanInterruptionHours, o.MedianInterruptionHours,
                100 * o.ZeroInterruptionFraction, o.OverlapNodeHours);
        return table;
    }

    public static RecordTable ValidationTable(IEnumerable<WaitComparison> comparisons)
    {
        var columns = new List<Column>
        {
            new("group", ColumnKind.Text),
            new("jobs"),
            new("real_mean", Unit: "h"),
            new("sim_mean", Unit: "h"),
        };
        foreach (var level in WaitComparison.Levels)
        {
            var p = "p" + (100 * level).ToString(CultureInfo.InvariantCulture);
            columns.Add(new Column($"real_{p}", Unit: "h"));
            columns.Add(new Column($"sim_{p}", Unit: "h"));
        }
        columns.Add(new Column("ks_distance"));
        var table = new RecordTable("wait_validation", columns);
        foreach (var c in comparisons)
        {
            var cells = new List<object?> { c.Group, c.Jobs, c.RealMeanHours, c.SimulatedMeanHours };
            for (var i = 0; i < WaitComparison.Levels.Length; i++)
            {
                cells.Add(c.RealQuantileHours[i]);
                cells.Add(c.SimulatedQuantileHours[i]);
            }
            cells.Add(c.KsDistance);
            table.Add([.. cells]);
        }
        return table;
    }

    /// <summary>The headline metrics of each method at the trace's own load (or the first load evaluated).</summary>
    public static void Metrics(ExperimentResult result, IReadOnlyList<MethodOutcome> outcomes)
    {
        foreach (var o in AtBaseLoad(outcomes))
            result.WithMetric($"{o.Method}.mean_interruption", o.MeanInterruptionHours, "h")
                .WithMetric($"{o.Method}.zero_interruption", 100 * o.ZeroInterruptionFraction, "%")
                .WithMetric($"{o.Method}.overlap", o.OverlapNodeHours, "node-h");
    }

    public static IEnumerable<Chart> Charts(IReadOnlyList<MethodOutcome> outcomes)
    {
        var baseLoad = AtBaseLoad(outcomes).ToList();
        yield return new Chart("gap-cdf", ChartKind.Cdf,
            "Gap between predecessor end and successor start (> 0: interruption, < 0: overlap)",
            "gap (h)", "fraction of chains", baseLoad.Select(o => Series.Of(o.Method, o.GapHours)).ToList());
        var loads = outcomes.Select(o => o.Load).Distinct().Order().ToList();
        if (loads.Count > 1)
        {
            var methods = outcomes.Select(o => o.Method).Distinct().ToList();
            yield return new Chart("interruption-by-load", ChartKind.Bar, "Mean interruption by load",
                "load (arrival-rate factor)", "mean interruption (h)",
                methods.Select(m =>
                    Series.Of(m,
                    loads.Select(l => outcomes.First(o => o.Method == m && o.Load == l).MeanInterruptionHours)
                    .ToArray())).ToList())
            {
                Categories = loads.Select(l => l.ToString("0.##", CultureInfo.InvariantCulture)).ToList(),
            };
        }
    }

    private static IEnumerable<MethodOutcome> AtBaseLoad(IReadOnlyList<MethodOutcome> outcomes)
    {
        var load = outcomes.Any(o => o.Load == 1) ? 1 : outcomes[0].Load;
        return outcomes.Where(o => o.Load == load);
    }
}
