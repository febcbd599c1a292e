using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>
/// A tensor a codec keeps between calls at its boundary, one per (micro-batch slot, tensor-parallel rank): the error
/// feedback residual, or the warm-started low-rank factor. A held tensor whose shape no longer fits (the last, smaller
/// batch) is not used.
/// </summary>
internal sealed class SlotState : IDisposable
{
    private readonly Dictionary<(int Slot, int Rank), Tensor> _held = [];

    /// <summary>
    /// The tensor held for <paramref name="context"/> if its shape is <paramref name="shape"/>, else null.
    /// </summary>
    public Tensor? Get(BoundaryContext context, long[] shape) =>
        _held.TryGetValue((context.Slot, context.Rank), out var t) && t.shape.SequenceEqual(shape) ? t : null;

    /// <summary>Holds <paramref name="value"/> (detached) for <paramref name="context"/>, replacing the last.</summary>
    public void Set(BoundaryContext context, Tensor value)
    {
        var key = (context.Slot, context.Rank);
        if (_held.Remove(key, out var old)) old.Dispose();
        // Held across steps and disposed by this class alone: out of every dispose scope, not just the caller's
        // (moving it to the caller's outer scope let a per-step scope free it while it was still held).
        var kept = value.detach().clone();
        kept.DetachFromDisposeScope();
        _held[key] = kept;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in _held.Values) t.Dispose();
        _held.Clear();
    }
}

/// <summary>
/// Error feedback: the sender keeps e = x − decode(encode(x)) and adds it to the next tensor it sends at the same
/// boundary and slot before encoding, so what one message drops the next one carries.
/// </summary>
internal sealed class ErrorFeedback : IDisposable
{
    private readonly SlotState _residuals = new();

    /// <summary>x plus the residual held for this slot (x itself when none fits).</summary>
    public Tensor AddResidual(Tensor x, BoundaryContext context) =>
        _residuals.Get(context, x.shape) is { } e ? x + e : x;

    /// <summary>Keeps what the message lost, x − decode(encode(x)), for the next tensor of this slot.</summary>
    public void Keep(Tensor residual, BoundaryContext context) => _residuals.Set(context, residual);

    /// <inheritdoc/>
    public void Dispose() => _residuals.Dispose();
}
