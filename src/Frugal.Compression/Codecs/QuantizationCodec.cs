using Frugal.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>
/// w-bit quantisation (w ∈ {2, 4, 8}) with one scale per hidden channel: σ = max|x| over every other dimension, stored
/// as fp16 (rounded up, so no value exceeds it); q = clip(round(x/σ·2^(w−1)), −2^(w−1), 2^(w−1)−1) + 2^(w−1), packed
/// 8/w codes per byte along the hidden dimension. Payload: rows·⌈h·w/8⌉ bytes + 2h bytes of scales. Not
/// differentiable: used with a straight-through estimator.
/// </summary>
public sealed class QuantizationCodec : Codec
{
    /// <summary>The largest finite fp16 value: larger magnitudes have no fp16 scale.</summary>
    public const double MaxScale = 65504;

    private const double SmallestScale = 6.103515625e-05; // 2^-14, the smallest normal fp16

    /// <summary>A <paramref name="bits"/>-bit quantiser.</summary>
    /// <exception cref="BadInputException">Bits other than 2, 4 or 8.</exception>
    public QuantizationCodec(int bits)
    {
        if (bits is not (2 or 4 or 8))
            throw new BadInputException($"quantisation takes 2, 4 or 8 bits, not {bits}", CodecSettings.BitsSetting);
        Bits = bits;
    }

    /// <summary>Bits per value.</summary>
    public int Bits { get; }

    private int PerByte => 8 / Bits;

    private long Levels => 1L << (Bits - 1);

    /// <inheritdoc/>
    public override string Name => $"q{Bits}";

    /// <inheritdoc/>
    public override bool Differentiable => false;

    /// <inheritdoc/>
    public override Encoded Encode(Tensor x, BoundaryContext context)
    {
        using var scope = NewDisposeScope();
        var h = Channels(x);
        var rows = x.detach().reshape(-1, h).to(float32);
        var max = rows.abs().amax([0]);
        if (max.max().item<float>() is var top && !(top <= MaxScale))
            throw new BadInputException(
                $"a value of magnitude {top:G4} exceeds fp16's range (65,504), in which the scales are stored");
        // Rounding σ·(1 + 2^-10) to fp16 gives a scale at least σ: fp16 steps are at most 2^-10 relative.
        var scale = (max * (1 + 1.0 / 1024)).clamp_min(SmallestScale).to(float16);
        var q = (rows / scale.to(float32) * Levels).round().clamp(-Levels, Levels - 1) + Levels;
        var padded = (h + PerByte - 1) / PerByte * PerByte;
        if (padded != h) q = nn.functional.pad(q, [0, padded - h]);
        var weights = pow(2, arange(PerByte, int32) * Bits).to(int32);
        var packed = (q.to(int32).reshape(q.shape[0], padded / PerByte, PerByte) * weights).sum([-1]).to(uint8);
        return new Encoded([packed.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope()], x.shape);
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
}
