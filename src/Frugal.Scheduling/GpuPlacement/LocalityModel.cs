namespace Frugal.Scheduling.GpuPlacement;

/// <summary>
/// The cost of spreading a job across nodes, in both places it matters: the simulator's iteration time and PAL's
/// across-nodes factor in the L×V order.
/// </summary>
public abstract record LocalityModel
{
    /// <summary>The factor a job's iteration time is multiplied by on <paramref name="gpus"/> GPUs over several
    /// nodes (1 on one node).</summary>
    public abstract double IterationPenalty(string model, int gpus);

    /// <summary>PAL's across-nodes factor for a class in the L×V order.</summary>
    public abstract double AcrossFactor(string perfClass);

    /// <summary>A name for reports.</summary>
    public abstract string Describe();
}

/// <summary>
/// One constant λ for every job and class: the artifact branch's simulation (<c>--locality-penalty</c>, 1.7 by
/// default; hal-uw/blox-pal@artifact blox/blox_manager.py and placement/pal.py).
/// </summary>
/// <param name="Lambda">The penalty, ≥ 1.</param>
public sealed record ConstantLocality(double Lambda) : LocalityModel
{
    /// <inheritdoc/>
    public override double IterationPenalty(string model, int gpus) => Lambda;

    /// <inheritdoc/>
    public override double AcrossFactor(string perfClass) => Lambda;

    /// <inheritdoc/>
    public override string Describe() => $"constant λ = {Lambda:0.##}";
}

/// <summary>
/// The main branch's tables: penalty by (model, #GPUs) (resnet50/16 → 1.16; PointNet 8/12/16 → 1.10/1.20/1.25;
/// others 1.0) and PAL's factor per class (A 1.16, B 1.0, C 1.0, D 1.10).
/// </summary>
public sealed record TableLocality : LocalityModel
{
    private static readonly Dictionary<(string, int), double> Penalties = new()
    {
        [("resnet50", 16)] = 1.16, [("PointNet", 8)] = 1.10, [("PointNet", 12)] = 1.20, [("PointNet", 16)] = 1.25,
    };

    private static readonly Dictionary<string, double> ClassFactors = new() { ["A"] = 1.16, ["D"] = 1.10 };

    /// <inheritdoc/>
    public override double IterationPenalty(string model, int gpus) => Penalties.GetValueOrDefault((model, gpus), 1.0);

    /// <inheritdoc/>
    public override double AcrossFactor(string perfClass) => ClassFactors.GetValueOrDefault(perfClass, 1.0);

    /// <inheritdoc/>
    public override string Describe() => "per-model table";
}
