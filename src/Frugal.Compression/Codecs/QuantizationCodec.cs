using Frugal.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>How quantisation picks a channel's scale σ.</summary>
public enum QuantizationScale
{
    /// <summary>σ = max|x|: no value is clipped except at the top code.</summary>
    Max,

    /// <summary>σ = 2·RMS (about a 95% interval of a normal channel): finer steps, the tails clipped.</summary>
    Rms,
}

/// <summary>
/// w-bit quantisation (w ∈ {2, 4, 8}) with one scale per hidden channel: σ = max|x| (or 2·RMS) over every other
/// dimension, stored as fp16 (rounded up, so no value exceeds a max scale); q = clip(round(x/σ·2^(w−1)), −2^(w−1),
/// 2^(w−1)−1) + 2^(w−1), packed 8/w codes per byte along the hidden dimension. Payload: rows·⌈h·w/8⌉ bytes + 2h bytes
/// of scales. Rounding is to nearest, or stochastic (seeded): up with probability equal to the fraction, so a code is
/// an unbiased estimate of x/σ·2^(w−1) within the clip range. Not differentiable: used with a straight-through
/// estimator; optionally its backward message (the gradient) is quantised the same way.
/// </summary>
public sealed class QuantizationCodec : Codec
{
    /// <summary>The largest finite fp16 value: larger magnitudes have no fp16 scale.</summary>
    public const double MaxScale = 65504;

    private const double SmallestScale = 6.103515625e-05; // 2^-14, the smallest normal fp16

    private readonly Generator? _random;

    /// <summary>A <paramref name="bits"/>-bit quantiser.</summary>
    /// <param name="bits">2, 4 or 8.</param>
    /// <param name="stochastic">Round stochastically (seeded by <paramref name="seed"/>) instead of to nearest.</param>
    /// <param name="scale">max|x| or 2·RMS per channel.</param>
    /// <param name="compressBackward">Quantise the backward message (the gradient) as well.</param>
    /// <param name="seed">Seeds the stochastic rounding.</param>
    /// <exception cref="BadInputException">Bits other than 2, 4 or 8.</exception>
    public QuantizationCodec(int bits, bool stochastic = false, QuantizationScale scale = QuantizationScale.Max,
        bool compressBackward = false, ulong seed = 0)
    {
        if (bits is not (2 or 4 or 8))
            throw new BadInputException($"quantisation takes 2, 4 or 8 bits, not {bits}", CodecSettings.BitsSetting);
        Bits = bits;
        Scale = scale;
        CompressesBackward = compressBackward;
        if (stochastic) _random = new Generator(seed);
    }

    /// <summary>Bits per value.</summary>
    public int Bits { get; }

    /// <summary>Whether codes are rounded stochastically.</summary>
    public bool Stochastic => _random is not null;

    /// <summary>How the channel scale is chosen.</summary>
    public QuantizationScale Scale { get; }

    /// <inheritdoc/>
    public override bool CompressesBackward { get; }

    private int PerByte => 8 / Bits;

    private long Levels => 1L << (Bits - 1);

    /// <inheritdoc/>
    public override string Name => $"q{Bits}" + CodecSettings.OptionSuffix(Stochastic, Scale, CompressesBackward);

    /// <inheritdoc/>
    public override bool Differentiable => false;

    /// <inheritdoc/>
    public override Encoded Encode(Tensor x, BoundaryContext context)
    {
        using var scope = NewDisposeScope();
        var h = Channels(x);
        var rows = x.detach().reshape(-1, h).to(float32);
        var max = Scale == QuantizationScale.Max ? rows.abs().amax([0]) : 2 * rows.square().mean([0]).sqrt();
        if (max.max().item<float>() is var top && !(top <= MaxScale))
            throw new BadInputException(Scale == QuantizationScale.Max
                ? $"a value of magnitude {top:G4} exceeds fp16's range (65,504), in which the scales are stored"
                : $"a channel's 2·RMS of {top:G4} exceeds fp16's range (65,504), in which the scales are stored");
        // Rounding σ·(1 + 2^-10) to fp16 gives a scale at least σ: fp16 steps are at most 2^-10 relative.
        var scale = (max * (1 + 1.0 / 1024)).clamp_min(SmallestScale).to(float16);
        var q = Round(rows / scale.to(float32) * Levels).clamp(-Levels, Levels - 1) + Levels;
        var padded = (h + PerByte - 1) / PerByte * PerByte;
        if (padded != h) q = nn.functional.pad(q, [0, padded - h]);
        var weights = pow(2, arange(PerByte, int32) * Bits).to(int32);
        var packed = (q.to(int32).reshape(q.shape[0], padded / PerByte, PerByte) * weights).sum([-1]).to(uint8);
        return new Encoded([packed.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope()], x.shape);
    }

    // Stochastic rounding goes up with probability equal to the fraction, so E[q] = v: unbiased. (The reference
    // code also snapped fractions below 0.2 down and above 0.8 up, which biases it; that is not copied.)
    private Tensor Round(Tensor v)
    {
        if (_random is null) return v.round();
        var floor = v.floor();
        return floor + (rand(v.shape, generator: _random) < v - floor).to(float32);
    }

    /// <inheritdoc/>
    public override Tensor Decode(Encoded encoded, BoundaryContext context)
    {
        using var scope = NewDisposeScope();
        var (packed, scale) = (encoded.Parts[0], encoded.Parts[1]);
        var h = scale.shape[0];
        var divisors = pow(2, arange(PerByte, int32) * Bits).to(int32);
        var codes = packed.to(int32).unsqueeze(-1).div(divisors, rounding_mode: RoundingMode.floor)
            .remainder(1 << Bits).reshape(packed.shape[0], -1)[.., ..(int)h];
        var x = (codes.to(float32) - Levels) / Levels * scale.to(float32);
        return x.reshape(encoded.Shape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override long PayloadBytes(Encoded encoded) => encoded.Parts[0].numel() + 2 * encoded.Parts[1].numel();

    /// <summary>
    /// The exact payload of a tensor of <paramref name="rows"/> rows of <paramref name="h"/> channels.
    /// </summary>
    public long PayloadBytes(long rows, long h) => rows * ((h * Bits + 7) / 8) + 2 * h;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing) => _random?.Dispose();
}
