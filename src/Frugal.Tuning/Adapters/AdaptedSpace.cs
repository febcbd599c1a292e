using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// A dimension of the box an optimiser searches, and whether bucketisation may cap its levels: integer knobs and
/// knobs with biased special values may be bucketised, and so may a projection's dimensions; plain real knobs and
/// choices keep their own form.
/// </summary>
internal sealed record BoxDimension(OptimizerDimension Dimension, bool Bucketable);

/// <summary>
/// What an optimiser searches and how its points become configurations: a box of dimensions, a map from a box point
/// (snapped onto the box's levels) to every knob's position u ∈ [0, 1] — none while the box has one dimension per
/// knob — and a decoder per knob from position to value. <see cref="Knobs"/> is the innermost one; every
/// <see cref="ISpaceAdapter"/> returns a new one around another.
/// </summary>
internal sealed class AdaptedSpace
{
    private AdaptedSpace(SearchSpace space, IReadOnlyList<KnobDecoder> decoders, IReadOnlyList<BoxDimension> box,
        Func<double[], double[]>? toPositions)
    {
        Space = space;
        Decoders = decoders;
        Box = box;
        ToPositions = toPositions;
    }

    /// <summary>
    /// The knob space itself: one dimension per knob (<see cref="KnobDimension"/>), decoded without biasing.
    /// </summary>
    public static AdaptedSpace Knobs(SearchSpace space)
    {
        var decoders = space.Knobs.Select(k => new KnobDecoder(k, biased: false, bias: 0)).ToArray();
        return new AdaptedSpace(space, decoders, decoders.Select(KnobDimension).ToArray(), toPositions: null);
    }

    /// <summary>The knobs searched, in the order projections follow.</summary>
    public SearchSpace Space { get; }

    /// <summary>Each knob's decoder, in the space's order.</summary>
    public IReadOnlyList<KnobDecoder> Decoders { get; }

    /// <summary>The box the optimiser searches.</summary>
    public IReadOnlyList<BoxDimension> Box { get; }

    /// <summary>
    /// From a snapped box point to every knob's position; null when the box's coordinates are the positions.
    /// </summary>
    public Func<double[], double[]>? ToPositions { get; }

    /// <summary>Whether the box is a projection rather than the knobs themselves.</summary>
    public bool IsProjected => ToPositions is not null;

    /// <summary>
    /// The same box over other decoders; while the box is the knobs', their dimensions follow the decoders.
    /// </summary>
    public AdaptedSpace WithDecoders(IReadOnlyList<KnobDecoder> decoders) =>
        new(Space, decoders, IsProjected ? Box : decoders.Select(KnobDimension).ToArray(), ToPositions);

    /// <summary>The same space searched through another box with the same coordinates (other levels).</summary>
    public AdaptedSpace WithBox(IReadOnlyList<BoxDimension> box) => new(Space, Decoders, box, ToPositions);

    /// <summary>A new box whose points <paramref name="project"/> maps onto this space's box.</summary>
    public AdaptedSpace Projected(IReadOnlyList<BoxDimension> box, Func<double[], double[]> project) =>
        new(Space, Decoders, box, ToPositions is { } inner ? point => inner(project(point)) : project);

    /// <summary>
    /// A knob's own dimension: a choice per level for categorical and boolean knobs, one level per value for a linear
    /// integer knob without biased special values, continuous otherwise (log-scale, real and biased knobs).
    /// </summary>
    private static BoxDimension KnobDimension(KnobDecoder decoder)
    {
        var knob = decoder.Knob;
        if (knob.Choices > 0) return new(new OptimizerDimension(knob.Name, knob.Choices), Bucketable: false);
        var biased = decoder.SpecialMass > 0;
        if (knob.Type == KnobType.Integer && !knob.LogScale && !biased && knob.IntegerCount <= int.MaxValue)
            return new(new OptimizerDimension(knob.Name, (int)knob.IntegerCount), Bucketable: true);
        return new(new OptimizerDimension(knob.Name), Bucketable: biased || knob.Type == KnobType.Integer);
    }
}
