using Frugal.Core.Randomness;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// HeSBO, LlamaTune's projection: the optimiser searches d dimensions and each knob copies one of them, chosen at
/// random with a random sign: for y ∈ [−1, 1]^d, knob i sits at x_i = σ_i·y_h(i), position (x_i + 1)/2. The hash h and
/// the signs σ are drawn from the run's seed, so a resumed run rebuilds them exactly.
/// </summary>
/// <param name="dimensions">The low dimension d.</param>
internal sealed class HeSboProjection(int dimensions) : ISpaceAdapter
{
    public string Name => "hesbo";

    public AdaptedSpace Wrap(AdaptedSpace inner, SeedTree seeds)
    {
        var knobs = Projections.CheckFits(inner, dimensions);
        var (hash, sign) = Draw(knobs, dimensions, seeds);
        return inner.Projected(Projections.Box(Name, dimensions), point =>
        {
            var positions = new double[knobs];
            for (var i = 0; i < knobs; i++)
                positions[i] = Math.Clamp((sign[i] * (2 * point[hash[i]] - 1) + 1) / 2, 0, 1);
            return positions;
        });
    }

    /// <summary>
    /// The low dimension each of <paramref name="knobs"/> copies and its sign (±1), as a run's seeds draw them.
    /// </summary>
    internal static (int[] Hash, double[] Sign) Draw(int knobs, int dimensions, SeedTree seeds)
    {
        var random = seeds.Stream(Projections.Stream);
        var hash = new int[knobs];
        var sign = new double[knobs];
        for (var i = 0; i < knobs; i++)
        {
            hash[i] = random.Next(dimensions);
            sign[i] = random.Next(2) == 0 ? -1 : 1;
        }
        return (hash, sign);
    }
}
