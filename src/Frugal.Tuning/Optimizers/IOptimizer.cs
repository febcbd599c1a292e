namespace Frugal.Tuning.Optimizers;

/// <summary>
/// A suggest/observe optimiser over a box of <see cref="OptimizerDimension"/>s, each scaled to [0, 1].
/// It minimises: callers that maximise pass the negated metric. Space adapters (identity, HeSBO, REMBO,
/// bucketisation) turn knob spaces into such boxes and points back into configurations, so every optimiser
/// works unchanged under every adapter.
/// </summary>
public interface IOptimizer
{
    /// <summary>The name it is chosen by (<c>random</c>, <c>lhs</c>, <c>gp</c>, <c>smac</c>).</summary>
    string Name { get; }

    /// <summary>
    /// The next point to evaluate: one coordinate in [0, 1] per dimension (a discrete one on its level grid).
    /// </summary>
    double[] Suggest();

    /// <summary>
    /// Records the outcome of evaluating <paramref name="point"/>; points need not come from <see cref="Suggest"/>.
    /// </summary>
    void Observe(double[] point, Observation observation);
}

/// <summary>
/// One dimension of an optimiser's box. <paramref name="Levels"/> = 0: continuous on [0, 1]; otherwise
/// discrete with that many levels, level i at coordinate i / (Levels − 1) (a single level sits at 0).
/// </summary>
public sealed record OptimizerDimension(string Name, int Levels = 0)
{
    /// <summary>Whether any coordinate in [0, 1] is allowed (no level grid).</summary>
    public bool IsContinuous => Levels == 0;
}

/// <summary>
/// What one evaluation gave: the <paramref name="Objective"/> to minimise and, for constrained problems, one value per
/// constraint, feasible when ≤ 0. A failed evaluation carries the substitute objective the caller chose (the worst seen
/// so far) with <paramref name="Failed"/> set, so optimisers may treat it specially.
/// </summary>
public sealed record Observation(double Objective, IReadOnlyList<double> Constraints, bool Failed = false)
{
    /// <summary>The observation of a successful, unconstrained evaluation.</summary>
    public static Observation Of(double objective) => new(objective, []);

    /// <summary>Whether every constraint holds (is ≤ 0); true when there are none.</summary>
    public bool Feasible => Constraints.All(c => c <= 0);
}
