namespace Frugal.Scheduling.GpuPlacement;

/// <summary>
/// A GPU table with what PAL derives from it once per class: slowdown factors (step 1) and the L×V order (step 2).
/// </summary>
public sealed class PlacementCluster(GpuTable table, ClusterCountRule rule, LocalityModel locality)
{
    private readonly Dictionary<string, double[]> _slowdowns = [];
    private readonly Dictionary<string, IReadOnlyList<MatrixCell>> _orders = [];

    /// <summary>The GPUs and their PerfVar.</summary>
    public GpuTable Table { get; } = table;

    /// <summary>The cost of spanning nodes.</summary>
    public LocalityModel Locality { get; } = locality;

    /// <summary>Each GPU's slowdown factor for <paramref name="perfClass"/>, by GPU id.</summary>
    public IReadOnlyList<double> Slowdowns(string perfClass)
    {
        if (!_slowdowns.TryGetValue(perfClass, out var sf))
            _slowdowns[perfClass] = sf = SlowdownFactors.Compute(Table.PerfVar(perfClass), rule);
        return sf;
    }

    /// <summary>The L×V cells of <paramref name="perfClass"/> in the order PAL tries them.</summary>
    public IReadOnlyList<MatrixCell> Order(string perfClass)
    {
        if (!_orders.TryGetValue(perfClass, out var order))
            _orders[perfClass] = order =
                LocalityVariabilityOrder.Build(Slowdowns(perfClass), Locality.AcrossFactor(perfClass));
        return order;
    }
}
