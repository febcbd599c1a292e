using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// Uniform random search: every suggestion is independent of what was observed (the paper's weakest baseline).
/// </summary>
internal sealed class RandomSearch(IReadOnlyList<OptimizerDimension> dimensions, RandomStream random) : IOptimizer
{
    public string Name => "random";

    public double[] Suggest() => Box.Sample(dimensions, random);

    public void Observe(double[] point, Observation observation)
    {
    }
}
