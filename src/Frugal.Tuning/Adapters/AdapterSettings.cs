using System.Globalization;
using Frugal.Core.Errors;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// The numbers LlamaTune's adapters take, whichever of them a method uses: the low dimension d of a projection, the
/// special-value bias and the bucket count K. All three are checked for every method, used or not, so a mistyped value
/// never passes silently.
/// </summary>
/// <param name="Dimensions">The low dimension d of a HeSBO or REMBO projection (16 in the paper).</param>
/// <param name="Bias">The probability mass a knob's special values without a probability of their own share (0.2 in
/// the paper).</param>
/// <param name="Buckets">Values per bucketised dimension (10,000 in the paper).</param>
public sealed record AdapterSettings(
    int Dimensions = AdapterSettings.DefaultDimensions,
    double Bias = AdapterSettings.DefaultBias,
    int Buckets = AdapterSettings.DefaultBuckets)
{
    /// <summary>LlamaTune's low dimension.</summary>
    public const int DefaultDimensions = 16;

    /// <summary>LlamaTune's special-value bias.</summary>
    public const double DefaultBias = 0.2;

    /// <summary>LlamaTune's bucket count.</summary>
    public const int DefaultBuckets = 10_000;

    /// <summary>The name errors give <see cref="Dimensions"/> (<see cref="BadInputException.Setting"/>).</summary>
    public const string DimensionsSetting = "low dimension";

    /// <summary>The name errors give <see cref="Bias"/>.</summary>
    public const string BiasSetting = "special-value bias";

    /// <summary>The name errors give <see cref="Buckets"/>.</summary>
    public const string BucketsSetting = "buckets";

    /// <exception cref="BadInputException">A setting is out of range; its <see cref="BadInputException.Setting"/> says
    /// which.</exception>
    public void Validate()
    {
        if (Dimensions < 1)
            throw new BadInputException($"the low dimension must be at least 1 (got {Dimensions})", DimensionsSetting);
        if (!(Bias > 0 && Bias < 1))
            throw new BadInputException(
                $"the special-value bias must lie in (0, 1) (got {Bias.ToString(CultureInfo.InvariantCulture)})",
                BiasSetting);
        if (Buckets < 2)
            throw new BadInputException($"the bucket count must be at least 2 (got {Buckets})", BucketsSetting);
    }
}
