using Frugal.Core.Randomness;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// LlamaTune's special-value biasing (design §4): a knob with special values (PostgreSQL's −1 "use another setting",
/// 0 "off") takes each of them with its probability — the space file's, else an even share of the bias — and maps the
/// rest of its position over its range. Its dimension becomes continuous, since its positions no longer map onto
/// one value each.
/// </summary>
/// <param name="bias">The mass special values without a probability of their own share.</param>
internal sealed class SpecialValueBiasing(double bias) : ISpaceAdapter
{
    public string Name => "special";

    public AdaptedSpace Wrap(AdaptedSpace inner, SeedTree seeds) =>
        inner.WithDecoders(inner.Space.Knobs.Select(k => new KnobDecoder(k, biased: true, bias)).ToArray());
}
