using Frugal.Core.Errors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>
/// A linear autoencoder on the hidden dimension: c = x·W_encᵀ (W_enc ∈ R^(a×h), Xavier-uniform), x̂ = c·W_decᵀ
/// (W_dec ∈ R^(h×a)); a values per row travel. Trained jointly with the model; codes add up, so tensor-parallel ranks
/// all-reduce codes of size a instead of h. Alone, <see cref="Fit"/> sets it to the best linear autoencoder of a tensor
/// (its principal components).
/// </summary>
public sealed class AutoencoderCodec : Codec
{
    private readonly Parameter _encoder;
    private readonly Parameter _decoder;

    /// <summary>An autoencoder from <paramref name="hidden"/> to <paramref name="codeSize"/> channels.</summary>
    /// <exception cref="BadInputException">A code size outside [1, hidden].</exception>
    /// <param name="hidden">The hidden size h.</param>
    /// <param name="codeSize">The code size a.</param>
    /// <param name="seed">Seeds the Xavier-uniform initial weights.</param>
    public AutoencoderCodec(int hidden, int codeSize, ulong seed = 0)
    {
        if (codeSize < 1 || codeSize > hidden)
            throw new BadInputException($"code size {codeSize} must lie in [1, {hidden}] (the hidden size)",
                CodecSettings.CodeSizeSetting);
        Hidden = hidden;
        CodeSize = codeSize;
        using var g = new Generator(seed);
        var bound = Math.Sqrt(6.0 / (hidden + codeSize));
        _encoder = new Parameter((rand([codeSize, hidden], generator: g) * 2 - 1) * bound);
        _decoder = new Parameter((rand([hidden, codeSize], generator: g) * 2 - 1) * bound);
    }

    /// <summary>The code size a = h/ρ for ratio ρ (at least 1).</summary>
    public static int CodeSizeFor(int hidden, double ratio)
    {
        CodecSettings.CheckRatio(ratio);
        return Math.Max(1, (int)(hidden / ratio));
    }

    /// <summary>The hidden size h.</summary>
    public int Hidden { get; }

    /// <summary>The code size a.</summary>
    public int CodeSize { get; }

    /// <inheritdoc/>
    public override string Name => $"ae(a={CodeSize})";

    /// <inheritdoc/>
    public override bool Summable => true;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [_encoder, _decoder];

    /// <summary>Sets W_enc and W_dec (copied).</summary>
    public void SetWeights(Tensor encoder, Tensor decoder)
    {
        using var noGrad = no_grad();
        _encoder.copy_(encoder);
        _decoder.copy_(decoder);
    }

    /// <summary>
    /// Sets the weights to the best linear autoencoder of <paramref name="sample"/> (rows of its last dimension): the a
    /// leading eigenvectors V of its Gram matrix, W_enc = Vᵀ, W_dec = V.
    /// </summary>
    public void Fit(Tensor sample)
    {
        using var scope = NewDisposeScope();
        if (Channels(sample) != Hidden)
            throw new BadInputException($"the tensor has {Channels(sample)} channels, the autoencoder {Hidden}");
        var rows = sample.detach().reshape(-1, Hidden).to(float64);
        var (_, vectors) = linalg.eigh(rows.t().mm(rows));
        var leading = vectors[.., (Hidden - CodeSize)..].to(float32);
        SetWeights(leading.t(), leading);
    }

    /// <inheritdoc/>
    public override Encoded Encode(Tensor x, BoundaryContext context) => new([x.matmul(_encoder.t())], x.shape);

    /// <inheritdoc/>
    public override Tensor Decode(Encoded encoded, BoundaryContext context) => encoded.Parts[0].matmul(_decoder.t());

    /// <inheritdoc/>
    public override long PayloadBytes(Encoded encoded) => encoded.Parts[0].numel() * FloatBytes;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }
}
