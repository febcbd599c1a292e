using Frugal.Core.Errors;
using Frugal.Tuning.Optimizers;

namespace Frugal.Tuning.Adapters;

/// <summary>What HeSBO and REMBO share: where they draw from, the check that they reduce, and their box.</summary>
internal static class Projections
{
    /// <summary>The stream of the run's adapter seeds a projection draws from.</summary>
    public const string Stream = "projection";

    /// <summary>The number of knobs projected onto.</summary>
    /// <exception cref="BadInputException">The low dimension is not below the number of knobs.</exception>
    public static int CheckFits(AdaptedSpace inner, int dimensions)
    {
        // One projection per method (TuningMethod refuses two): it maps onto the knobs themselves.
        if (inner.IsProjected) throw new InvalidOperationException("a projection must wrap the knob space itself.");
        var knobs = inner.Space.Knobs.Count;
        if (dimensions >= knobs)
            throw new BadInputException(
                $"a projection needs fewer low dimensions ({dimensions}) than knobs " +
                $"({knobs} in space '{inner.Space.Name}')",
                AdapterSettings.DimensionsSetting);
        return knobs;
    }

    /// <summary>
    /// The projection's box: d continuous dimensions named after it (bucketisation may discretise them).
    /// </summary>
    public static IReadOnlyList<BoxDimension> Box(string name, int dimensions) =>
        Enumerable.Range(0, dimensions)
            .Select(i => new BoxDimension(new OptimizerDimension($"{name}_{i}"), Bucketable: true)).ToArray();
}
