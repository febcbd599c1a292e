using Frugal.Core.Randomness;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// LlamaTune's bucketisation: every dimension of the optimiser's box that may be bucketised (<see
/// cref="BoxDimension"/>)
/// and is continuous or has more than K levels gets exactly K, so the optimiser sees at most K values per dimension.
/// </summary>
/// <param name="buckets">K.</param>
internal sealed class Bucketisation(int buckets) : ISpaceAdapter
{
    public string Name => "bucket";

    public AdaptedSpace Wrap(AdaptedSpace inner, SeedTree seeds) =>
        inner.WithBox(inner.Box.Select(b =>
            b.Bucketable && (b.Dimension.IsContinuous || b.Dimension.Levels > buckets)
                ? b with { Dimension = b.Dimension with { Levels = buckets } }
                : b).ToArray());
}
