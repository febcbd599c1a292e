using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>Where a codec sits: a pipeline send between stages or a tensor-parallel reduction in a layer.</summary>
public enum BoundaryKind
{
    /// <summary>The hidden state a pipeline stage sends to the next one.</summary>
    PipelineSend,

    /// <summary>The partial sums of a row-parallel linear layer that the tensor-parallel ranks add up.</summary>
    TensorReduce,
}

/// <summary>
/// What a codec is told about the message it encodes: the boundary, the micro-batch slot in the step and the
/// tensor-parallel rank that sends it. Error feedback and warm-started low-rank factors keep their state per
/// (slot, rank).
/// </summary>
/// <param name="Kind">The boundary kind.</param>
/// <param name="Slot">The micro-batch's position within the step (0 for a lone tensor).</param>
/// <param name="Rank">The sending tensor-parallel rank (0 for pipeline sends and lone tensors).</param>
public sealed record BoundaryContext(BoundaryKind Kind, int Slot = 0, int Rank = 0)
{
    /// <summary>A lone tensor, as <c>frugal compress codec</c> encodes it.</summary>
    public static BoundaryContext Alone { get; } = new(BoundaryKind.PipelineSend);
}

/// <summary>
/// A compressed message: the tensors that travel and the shape of the tensor they stand for. The codec that made it
/// owns their meaning; only <see cref="ICodec.Decode"/> reads them.
/// </summary>
/// <param name="Parts">The tensors sent, in the codec's order.</param>
/// <param name="Shape">The shape of the original tensor.</param>
public sealed record Encoded(IReadOnlyList<Tensor> Parts, long[] Shape)
{
    /// <summary>Elements of the original tensor.</summary>
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// An activation codec: encodes a tensor into a smaller message and decodes it back. One instance serves one
/// boundary of a model (it may hold learned weights and per-slot state), or one lone tensor.
/// </summary>
public interface ICodec : IDisposable
{
    /// <summary>The codec's name in <see cref="CodecCatalog"/>, with its parameter (e.g. <c>topk(k=512)</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Whether codes add up: Σ encode(xᵢ) = encode(Σ xᵢ), so tensor-parallel ranks can all-reduce the codes and decode
    /// once. Codecs that are not summable are all-gathered, decoded and summed instead.
    /// </summary>
    bool Summable { get; }

    /// <summary>
    /// Whether gradients flow through encode and decode (autoencoder, sparsification, low rank). A codec that is not
    /// differentiable (quantisation) is used with a straight-through estimator.
    /// </summary>
    bool Differentiable { get; }

    /// <summary>
    /// Whether a straight-through codec also compresses its backward message: the gradient with respect to the sent
    /// tensor is encoded and decoded with the same codec (quantisation's <c>backward</c> option). Always false for a
    /// differentiable codec, whose backward message is the gradient of its payload.
    /// </summary>
    bool CompressesBackward { get; }

    /// <summary>Learned weights to train with the model (the autoencoder's); empty for the others.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Compresses <paramref name="x"/>.</summary>
    Encoded Encode(Tensor x, BoundaryContext context);

    /// <summary>Reconstructs the tensor that <paramref name="encoded"/> stands for.</summary>
    Tensor Decode(Encoded encoded, BoundaryContext context);

    /// <summary>Bytes the message takes on the wire.</summary>
    long PayloadBytes(Encoded encoded);

    /// <summary>
    /// Bytes of the gradient that travels back: the payload's size for a differentiable codec (the gradient of the
    /// payload) or one that compresses its backward message, the full fp32 tensor for a plain straight-through one.
    /// </summary>
    long BackwardBytes(Encoded encoded);
}

/// <summary>What codecs share: fp32 element size, the straight-through default and the empty parameter list.</summary>
public abstract class Codec : ICodec
{
    /// <summary>Bytes of one fp32 value (activations are fp32 here).</summary>
    public const long FloatBytes = 4;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public virtual bool Summable => false;

    /// <inheritdoc/>
    public virtual bool Differentiable => true;

    /// <inheritdoc/>
    public virtual bool CompressesBackward => false;

    /// <inheritdoc/>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public abstract Encoded Encode(Tensor x, BoundaryContext context);

    /// <inheritdoc/>
    public abstract Tensor Decode(Encoded encoded, BoundaryContext context);

    /// <inheritdoc/>
    public abstract long PayloadBytes(Encoded encoded);

    /// <inheritdoc/>
    public virtual long BackwardBytes(Encoded encoded) =>
        Differentiable || CompressesBackward ? PayloadBytes(encoded) : encoded.Elements * FloatBytes;

    /// <summary>Uncompressed bytes over payload bytes.</summary>
    public double Ratio(Encoded encoded) => (double)(encoded.Elements * FloatBytes) / PayloadBytes(encoded);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases held tensors (weights, state).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The channel size h of a tensor: its last dimension (a scalar counts as one channel).</summary>
    protected static long Channels(Tensor x) => x.ndim == 0 ? 1 : x.shape[^1];
}

/// <summary>No compression: the tensor itself travels, at 4 bytes per element.</summary>
public sealed class IdentityCodec : Codec
{
    /// <inheritdoc/>
    public override string Name => "none";

    /// <inheritdoc/>
    public override bool Summable => true;

    /// <inheritdoc/>
    public override Encoded Encode(Tensor x, BoundaryContext context) => new([x], x.shape);

    /// <inheritdoc/>
    public override Tensor Decode(Encoded encoded, BoundaryContext context) => encoded.Parts[0];

    /// <inheritdoc/>
    public override long PayloadBytes(Encoded encoded) => encoded.Elements * FloatBytes;
}
