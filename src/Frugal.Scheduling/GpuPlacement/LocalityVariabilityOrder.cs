namespace Frugal.Scheduling.GpuPlacement;

/// <summary>One cell of PAL's locality × variability matrix.</summary>
/// <param name="Slowdown">The slowdown-factor bound: GPUs with sf ≤ this qualify.</param>
/// <param name="WithinNode">True: all GPUs on one node; false: across nodes allowed.</param>
/// <param name="Score">Slowdown × locality factor (1 within a node): the order the cells are tried in.</param>
public sealed record MatrixCell(double Slowdown, bool WithinNode, double Score);

/// <summary>PAL's step 2: the L×V cells of one class, tried in ascending score.</summary>
public static class LocalityVariabilityOrder
{
    /// <summary>
    /// For each distinct sf (first-seen order) a within-node cell (sf) and an across-nodes cell
    /// (<paramref name="acrossFactor"/>·sf), sorted stably by score, so "within" precedes "across" on ties.
    /// </summary>
    public static IReadOnlyList<MatrixCell> Build(IReadOnlyList<double> slowdowns, double acrossFactor) =>
        [.. slowdowns.Distinct()
            .SelectMany(v => new[] { new MatrixCell(v, true, v), new MatrixCell(v, false, acrossFactor * v) })
            .OrderBy(c => c.Score)];
}
