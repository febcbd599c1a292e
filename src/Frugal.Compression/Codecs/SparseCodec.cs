using Frugal.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>How a sparsifying codec picks the k entries it keeps.</summary>
public enum SparseSelection
{
    /// <summary>The k entries of largest magnitude.</summary>
    TopK,

    /// <summary>k positions drawn uniformly without replacement.</summary>
    RandomK,
}

/// <summary>
/// Top-K or Random-K sparsification over the whole flattened tensor: k fp32 values and k int32 indices travel (8 bytes
/// per kept entry); decoding scatters them into zeros. Gradients flow to the kept entries. With error feedback the
/// dropped part is added to the next tensor at the same boundary.
/// </summary>
public sealed class SparseCodec : Codec
{
    private const long EntryBytes = 8;
    private readonly long? _k;
    private readonly double _ratio;
    private readonly Generator? _random;
    private readonly ErrorFeedback? _feedback;

    /// <summary>A sparsifier keeping <paramref name="k"/> entries, or numel/(2ρ) for ratio ρ when k is null.</summary>
    /// <param name="selection">Top-K or Random-K.</param>
    /// <param name="k">Entries kept (absolute); null to derive k from <paramref name="ratio"/>.</param>
    /// <param name="ratio">Target compression ratio ρ ≥ 1, used when <paramref name="k"/> is null.</param>
    /// <param name="errorFeedback">Keep the dropped part and send it with the next tensor.</param>
    /// <param name="seed">Seeds Random-K's draws.</param>
    /// <exception cref="BadInputException">k below 1 or ρ below 1.</exception>
    public SparseCodec(SparseSelection selection, long? k, double ratio, bool errorFeedback, ulong seed = 0)
    {
        if (k is < 1) throw new BadInputException($"k = {k} must be at least 1", CodecSettings.KSetting);
        CodecSettings.CheckRatio(ratio);
        Selection = selection;
        _k = k;
        _ratio = ratio;
        if (selection == SparseSelection.RandomK) _random = new Generator(seed);
        if (errorFeedback) _feedback = new ErrorFeedback();
    }

    /// <summary>Top-K or Random-K.</summary>
    public SparseSelection Selection { get; }

    /// <inheritdoc/>
    public override string Name =>
        (Selection == SparseSelection.TopK ? "topk" : "randk") + (_feedback is null ? "" : "-ef")
        + (_k is { } k ? $"(k={k})" : $"(ratio={_ratio:0.##})");

    /// <summary>The entries kept from a tensor of <paramref name="elements"/> elements.</summary>
    /// <exception cref="BadInputException">An absolute k above the element count.</exception>
    public long KeptOf(long elements)
    {
        if (_k is { } k)
            return k <= elements ? k : throw new BadInputException(
                $"k = {k} exceeds the tensor's {elements} elements", CodecSettings.KSetting);
        return Math.Clamp((long)(elements / (2 * _ratio)), 1, elements);
    }

    /// <inheritdoc/>
    public override Encoded Encode(Tensor x, BoundaryContext context)
    {
        var sent = _feedback?.AddResidual(x, context) ?? x;
        var flat = sent.reshape(-1);
        var k = KeptOf(flat.numel());
        using var picked = Selection == SparseSelection.TopK
            ? flat.detach().abs().topk((int)k, sorted: false).indexes
            : randperm(flat.numel(), generator: _random)[..(int)k];
        var indices = picked.clone();
        var encoded = new Encoded([flat.gather(0, indices), indices], x.shape);
        if (_feedback is not null)
        {
            using var dropped = flat.detach().clone().index_fill_(0, indices, 0);
            _feedback.Keep(dropped.reshape(x.shape), context);
        }
        return encoded;
    }

    /// <inheritdoc/>
    public override Tensor Decode(Encoded encoded, BoundaryContext context)
    {
        var values = encoded.Parts[0];
        return zeros(encoded.Elements, values.dtype).scatter(0, encoded.Parts[1], values).reshape(encoded.Shape);
    }

    /// <inheritdoc/>
    public override long PayloadBytes(Encoded encoded) => encoded.Parts[0].numel() * EntryBytes;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _feedback?.Dispose();
        _random?.Dispose();
    }
}
