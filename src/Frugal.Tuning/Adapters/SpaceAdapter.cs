using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// A method's adapters around any optimiser: it gives the optimiser a box of <see cref="Dimensions"/> and turns each
/// point the optimiser picks into a configuration. With no adapter the box has one dimension per knob (categorical and
/// boolean knobs discrete with one level per choice, linear integer knobs one level per value); each adapter of the
/// method (<see cref="AdapterCatalog"/>) wraps the space in turn. Only the outermost box is snapped to its levels; the
/// maps inside it are continuous and each knob's decoder rounds its value.
/// </summary>
public sealed class SpaceAdapter
{
    private readonly AdaptedSpace _adapted;

    /// <param name="space">The knobs.</param>
    /// <param name="adapters">The method's adapters, in the order they wrap the knob space.</param>
    /// <param name="seeds">The run's adapter seeds (a projection draws from them).</param>
    /// <exception cref="Frugal.Core.Errors.BadInputException">A setting does not fit the space (a projection to as many
    /// dimensions as knobs, special-value probabilities reaching 1).</exception>
    internal SpaceAdapter(SearchSpace space, IEnumerable<ISpaceAdapter> adapters, SeedTree seeds)
    {
        _adapted = adapters.Aggregate(AdaptedSpace.Knobs(space), (inner, adapter) => adapter.Wrap(inner, seeds));
        Dimensions = _adapted.Box.Select(b => b.Dimension).ToArray();
    }

    /// <summary>The knobs the configurations set.</summary>
    public SearchSpace Space => _adapted.Space;

    /// <summary>The box the optimiser searches.</summary>
    public IReadOnlyList<OptimizerDimension> Dimensions { get; }

    /// <summary>
    /// Whether the optimiser sees a projection (not knobs): then known configurations cannot be mapped back into its
    /// box.
    /// </summary>
    public bool IsProjected => _adapted.IsProjected;

    /// <summary>The configuration a box point stands for.</summary>
    public IReadOnlyDictionary<string, object> Decode(double[] point)
    {
        var positions = Positions(point);
        var decoders = _adapted.Decoders;
        var configuration = new Dictionary<string, object>(decoders.Count);
        for (var i = 0; i < decoders.Count; i++)
            configuration[decoders[i].Knob.Name] = decoders[i].Decode(positions[i]);
        return configuration;
    }

    /// <summary>
    /// The box point of a known configuration (the default, to show it to the optimiser), or null under a projection:
    /// HeSBO and REMBO are not invertible.
    /// </summary>
    public double[]? Encode(IReadOnlyDictionary<string, object> configuration)
    {
        if (IsProjected) return null;
        var point = _adapted.Decoders.Select(d => d.Encode(configuration[d.Knob.Name])).ToArray();
        return Box.Snap(Dimensions, point);
    }

    /// <summary>Each knob's position u ∈ [0, 1] for a box point (before special-value biasing and decoding).</summary>
    internal double[] Positions(double[] point)
    {
        if (point.Length != Dimensions.Count)
            throw new ArgumentException(
                $"a point of {point.Length} coordinates for a box of {Dimensions.Count}.", nameof(point));
        var snapped = Box.Snap(Dimensions, point);
        return _adapted.ToPositions?.Invoke(snapped) ?? snapped;
    }
}
