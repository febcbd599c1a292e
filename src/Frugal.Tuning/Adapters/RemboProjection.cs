using Frugal.Core.Randomness;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// REMBO's projection: knobs are a dense Gaussian combination of d dimensions. For y ∈ [−√d, √d]^d, x = A·y is
/// rescaled from [−√d, √d] to positions in [0, 1] and clipped. The matrix A is drawn from the run's seed.
/// </summary>
/// <param name="dimensions">The low dimension d.</param>
internal sealed class RemboProjection(int dimensions) : ISpaceAdapter
{
    public string Name => "rembo";

    public AdaptedSpace Wrap(AdaptedSpace inner, SeedTree seeds)
    {
        var knobs = Projections.CheckFits(inner, dimensions);
        var matrix = new double[knobs, dimensions];
        var normal = new MathNet.Numerics.Distributions.Normal(0, 1, seeds.Stream(Projections.Stream));
        for (var i = 0; i < knobs; i++)
            for (var j = 0; j < dimensions; j++) matrix[i, j] = normal.Sample();
        var root = Math.Sqrt(dimensions);
        return inner.Projected(Projections.Box(Name, dimensions), point =>
        {
            var positions = new double[knobs];
            for (var i = 0; i < knobs; i++)
            {
                var x = 0.0;
                for (var j = 0; j < dimensions; j++) x += matrix[i, j] * (2 * point[j] - 1) * root;
                positions[i] = Math.Clamp((x / root + 1) / 2, 0, 1);
            }
            return positions;
        });
    }
}
