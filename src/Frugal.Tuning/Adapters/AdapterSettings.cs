namespace Frugal.Tuning.Adapters;

/// <summary>How the optimiser's low-dimensional box maps onto the knob space.</summary>
public enum Projection
{
    /// <summary>One box dimension per knob.</summary>
    None,
    /// <summary>HeSBO: each knob copies one low dimension, sign-flipped at random (LlamaTune's choice).</summary>
    HeSbo,
    /// <summary>REMBO: knobs are a dense Gaussian combination of the low dimensions.</summary>
    Rembo,
}

/// <summary>
/// LlamaTune's three ideas, each switchable on its own so the paper's ablations can be rerun: a random low-dimensional
/// <see cref="Projection"/> of <see cref="Dimensions"/> dimensions, special-value biasing and bucketisation into
/// <see cref="Buckets"/> values.
/// </summary>
/// <param name="Projection">The projection, or none.</param>
/// <param name="Dimensions">The low dimension d of a projection (16 in the paper).</param>
/// <param name="SpecialBias">Whether knobs with special values get their probability mass (§4 of the design).</param>
/// <param name="Bias">The probability mass a knob's special values without a probability in the space file share (0.2 in the paper).</param>
/// <param name="Buckets">Values per bucketised dimension (10,000 in the paper); null: no bucketisation.</param>
public sealed record AdapterSettings(Projection Projection = Projection.None, int Dimensions = 16, bool SpecialBias = false, double Bias = 0.2, int? Buckets = null)
{
    public const int DefaultDimensions = 16;
    public const double DefaultBias = 0.2;
    public const int DefaultBuckets = 10_000;

    public static AdapterSettings Identity { get; } = new();

    public bool IsIdentity => Projection == Projection.None && !SpecialBias && Buckets is null;

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Dimensions < 1) throw new ArgumentException($"--dims: {Dimensions} must be at least 1.");
        if (!(Bias > 0 && Bias < 1)) throw new ArgumentException($"--bias: {Bias} must lie in (0, 1).");
        if (Buckets is < 2) throw new ArgumentException($"--buckets: {Buckets} must be at least 2.");
    }
}
