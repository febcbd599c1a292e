using Frugal.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>
/// PowerSGD-style low rank per sample: a tensor [s, b, h] is b samples X ∈ R^(s×h) (any other rank is one sample of
/// rows × last dimension). P = X·Q_prev, P̂ = QR(P).Q, Q = Xᵀ·P̂ travel (r(s + h) fp32 values per sample) and X̂ =
/// P̂·Qᵀ.
/// Q_prev is random at first, then the last Q of the same boundary and slot (warm start). At r = min(s, h) it is
/// exact. With error feedback X − X̂ is added to the next tensor.
/// </summary>
public sealed class LowRankCodec : Codec
{
    private readonly int? _rank;
    private readonly double _ratio;
    private readonly Generator _random;
    private readonly SlotState _factors = new();
    private readonly ErrorFeedback? _feedback;

    /// <summary>Rank <paramref name="rank"/>, or r = s·h/(ρ(s + h)) for ratio ρ when the rank is null.</summary>
    /// <exception cref="BadInputException">A rank below 1 or a ratio below 1.</exception>
    public LowRankCodec(int? rank, double ratio, bool errorFeedback, ulong seed = 0)
    {
        if (rank is < 1) throw new BadInputException($"rank {rank} must be at least 1", CodecSettings.RankSetting);
        CodecSettings.CheckRatio(ratio);
        _rank = rank;
        _ratio = ratio;
        _random = new Generator(seed);
        if (errorFeedback) _feedback = new ErrorFeedback();
    }

    /// <inheritdoc/>
    public override string Name =>
        "lowrank" + (_feedback is null ? "" : "-ef") + (_rank is { } r ? $"(rank={r})" : $"(ratio={_ratio:0.##})");

    /// <summary>The rank used on samples of <paramref name="s"/> rows and <paramref name="h"/> channels.</summary>
    /// <exception cref="BadInputException">An absolute rank above min(s, h).</exception>
    public int RankOf(long s, long h)
    {
        var full = (int)Math.Min(s, h);
        if (_rank is { } r)
            return r <= full ? r : throw new BadInputException(
                $"rank {r} exceeds the full rank min(s, h) = {full}", CodecSettings.RankSetting);
        return (int)Math.Clamp((long)(s * h / (_ratio * (s + h))), 1, full);
    }

    /// <summary>The tensor as samples [b, s, h]: dimension 1 of a rank-3 tensor is the sample.</summary>
    private static Tensor Samples(Tensor x) => x.ndim == 3 ? x.permute(1, 0, 2) : x.reshape(1, -1, Channels(x));

    /// <inheritdoc/>
    public override Encoded Encode(Tensor x, BoundaryContext context)
    {
        var sent = _feedback?.AddResidual(x, context) ?? x;
        var samples = Samples(sent);
        var (b, s, h) = (samples.shape[0], samples.shape[1], samples.shape[2]);
        long[] factorShape = [b, h, RankOf(s, h)];
        var previous = _factors.Get(context, factorShape) ?? randn(factorShape, generator: _random);
        var p = linalg.qr(samples.bmm(previous)).Q;
        var q = samples.transpose(1, 2).bmm(p);
        _factors.Set(context, q);
        var encoded = new Encoded([p, q], x.shape);
        if (_feedback is not null)
        {
            using var scope = NewDisposeScope();
            _feedback.Keep(sent.detach() - Decode(encoded, context).detach(), context);
        }
        return encoded;
    }

    /// <inheritdoc/>
    public override Tensor Decode(Encoded encoded, BoundaryContext context)
    {
        var samples = encoded.Parts[0].bmm(encoded.Parts[1].transpose(1, 2));
        return encoded.Shape.Length == 3 ? samples.permute(1, 0, 2) : samples.reshape(encoded.Shape);
    }

    /// <inheritdoc/>
    public override long PayloadBytes(Encoded encoded) =>
        (encoded.Parts[0].numel() + encoded.Parts[1].numel()) * FloatBytes;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _factors.Dispose();
        _feedback?.Dispose();
        _random.Dispose();
    }
}
