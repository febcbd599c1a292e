using Frugal.Core.Randomness;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// One of LlamaTune's space adapters, shaped as MLOS's are: it takes the space below it (what the optimiser would
/// search without it) and returns the space the optimiser searches instead, with the way back to configurations.
/// A method's adapters wrap the knob space one after another (<see cref="SpaceAdapter"/>) in the order of
/// <see cref="AdapterCatalog"/>: biasing changes how knobs decode, a projection replaces the box, and bucketisation
/// discretises whatever box the optimiser ends up with.
/// </summary>
internal interface ISpaceAdapter
{
    /// <summary>The name a method uses for it, e.g. <c>hesbo</c> in <c>hesbo-smac</c>.</summary>
    string Name { get; }

    /// <summary>The space the optimiser searches instead of <paramref name="inner"/>.</summary>
    /// <param name="inner">The space below: the knob space, or another adapter's.</param>
    /// <param name="seeds">The run's adapter seeds, for adapters that draw (a projection's matrix).</param>
    /// <exception cref="Frugal.Core.Errors.BadInputException">The adapter's setting does not fit the space.</exception>
    AdaptedSpace Wrap(AdaptedSpace inner, SeedTree seeds);
}
