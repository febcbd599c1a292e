using Frugal.Core.Catalogs;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// The parts a method's name may wrap its optimiser in (<c>&lt;parts&gt;-&lt;optimizer&gt;</c>, e.g.
/// <c>hesbo-special-smac</c>), each standing for the adapters it adds, given the settings and the optimiser.
/// <c>llamatune</c> is the paper's combination; the others are one adapter each, listed in the order they wrap the
/// knob space (<see cref="ISpaceAdapter"/>).
/// </summary>
public static class AdapterCatalog
{
    /// <summary>
    /// The name of the paper's combination: HeSBO, special values and buckets (for <c>gp</c>, no buckets).
    /// </summary>
    public const string LlamaTune = "llamatune";

    /// <summary>
    /// What the parts are called in errors (an unknown part's <see
    /// cref="Frugal.Core.Errors.BadInputException.Setting"/>).
    /// </summary>
    public const string Kind = "adapter";

    internal static Catalog<Func<AdapterSettings, string, IEnumerable<ISpaceAdapter>>> Parts { get; } =
        new Catalog<Func<AdapterSettings, string, IEnumerable<ISpaceAdapter>>>(Kind)
            .Add(LlamaTune, (s, optimizer) =>
                    [
                        new SpecialValueBiasing(s.Bias), new HeSboProjection(s.Dimensions),
                        // The reference's OpenBox-GP configurations bucketise nothing.
                        .. optimizer == "gp" ? Array.Empty<ISpaceAdapter>() : [new Bucketisation(s.Buckets)],
                    ],
                "HeSBO + special values + buckets, as in the paper (with gp: without buckets)")
            .Add("special", (s, _) => [new SpecialValueBiasing(s.Bias)], "special-value biasing with the bias setting")
            .Add("hesbo", (s, _) => [new HeSboProjection(s.Dimensions)], "HeSBO projection to the low dimension")
            .Add("rembo", (s, _) => [new RemboProjection(s.Dimensions)], "REMBO projection to the low dimension")
            .Add("bucket", (s, _) => [new Bucketisation(s.Buckets)], "bucketisation into the bucket count");

    /// <summary>
    /// Every part's name, <see cref="LlamaTune"/> first, then the adapters in the order they wrap the knobs.
    /// </summary>
    public static IReadOnlyList<string> Names => Parts.Names;

    /// <summary>Where an adapter goes in a method's stack: the knob space is wrapped in this order.</summary>
    internal static int Order(ISpaceAdapter adapter) => Parts.Names.ToList().IndexOf(adapter.Name);
}
