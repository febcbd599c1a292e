using System.Diagnostics;
using Frugal.Compression.Codecs;
using Frugal.Compression.Simulation;
using static TorchSharp.torch;

namespace Frugal.Compression.Model;

/// <summary>What a pass through a stage measures and decides: the slot, whether to compress, and the clocks.</summary>
internal sealed class PassContext(int slot, bool compress, int tensorParallel, bool training)
{
    public int Slot { get; } = slot;
    public bool Compress { get; } = compress;
    public bool Training { get; } = training;

    /// <summary>Seconds each tensor-parallel rank spent in its own shard's work.</summary>
    public double[] ShardSeconds { get; } = new double[tensorParallel];

    /// <summary>Seconds spent encoding and decoding (not compute).</summary>
    public double CodecSeconds { get; set; }

    public List<CollectiveMessage> Forward { get; } = [];
    public List<CollectiveMessage> Backward { get; } = [];

    /// <summary>Backward collectives whose gradient passes through a codec, by index in <see cref="Backward"/>.
    /// </summary>
    public List<(int Index, GradientCompression Compression)> CompressedBackward { get; } = [];

    /// <summary>
    /// Once the stage's backward has run: writes the codec times of its compressed backward collectives into
    /// <paramref name="collectives"/> (the stage's copy of <see cref="Backward"/>) and returns their sum.
    /// </summary>
    public double RecordBackwardCodecs(List<CollectiveMessage> collectives)
    {
        var total = 0.0;
        foreach (var (index, compression) in CompressedBackward)
        {
            collectives[index] = collectives[index] with
            {
                EncodeSeconds = compression.EncodeSeconds,
                DecodeSeconds = compression.DecodeSeconds,
            };
            total += compression.EncodeSeconds + compression.DecodeSeconds;
        }
        return total;
    }

    public T Shard<T>(int rank, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        var result = work();
        ShardSeconds[rank] += clock.Elapsed.TotalSeconds;
        return result;
    }

    public T Codec<T>(Func<T> work, out double seconds)
    {
        var clock = Stopwatch.StartNew();
        var result = work();
        seconds = clock.Elapsed.TotalSeconds;
        CodecSeconds += seconds;
        return result;
    }
}

/// <summary>
/// The backward message of a straight-through codec that compresses it: the gradient is encoded and decoded with the
/// same codec, and the times are kept for the step profile.
/// </summary>
internal sealed class GradientCompression(ICodec codec, BoundaryContext context)
{
    public double EncodeSeconds { get; private set; }
    public double DecodeSeconds { get; private set; }

    public Tensor Apply(Tensor gradient)
    {
        var clock = Stopwatch.StartNew();
        var encoded = codec.Encode(gradient, context);
        EncodeSeconds += clock.Elapsed.TotalSeconds;
        clock.Restart();
        var decoded = codec.Decode(encoded, context);
        DecodeSeconds += clock.Elapsed.TotalSeconds;
        return decoded;
    }
}

/// <summary>The identity forward; backward, the gradient goes through a <see cref="GradientCompression"/>.</summary>
internal sealed class GradientThroughCodec : autograd.SingleTensorFunction<GradientThroughCodec>
{
    public override string Name => nameof(GradientThroughCodec);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data(nameof(GradientCompression), vars[1]);
        return ((Tensor)vars[0]).clone();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) =>
        [((GradientCompression)ctx.get_data(nameof(GradientCompression))).Apply(grad_output), null!];
}

/// <summary>
/// The sum of a row-parallel layer's partials across the T ranks, through the codec hook: uncompressed, an all-reduce
/// of n bytes; a summable codec (autoencoder, sketches) encodes each partial, all-reduces the codes and decodes once;
/// any other codec all-gathers the encoded partials and each rank decodes and sums them. A codec that is not
/// differentiable (quantisation) passes gradients straight through; if it compresses its backward message, the
/// gradient of the sum is encoded and decoded once and travels as an all-gather of payloads, mirroring the forward.
/// </summary>
internal sealed class Collective(ICodec? codec) : IDisposable
{
    public ICodec? Codec { get; } = codec;

    public Tensor Reduce(IReadOnlyList<Tensor> partials, PassContext pass)
    {
        var t = partials.Count;
        if (t == 1) return partials[0];
        var bytes = partials[0].numel() * Codecs.Codec.FloatBytes;
        if (Codec is null || !pass.Compress)
        {
            pass.Forward.Add(new CollectiveMessage(CollectiveKind.AllReduce, bytes));
            pass.Backward.Add(new CollectiveMessage(CollectiveKind.AllReduce, bytes));
            return Sum(partials);
        }
        var encodeSeconds = 0.0;
        var decodeSeconds = 0.0;
        var encoded = new Encoded[t];
        for (var rank = 0; rank < t; rank++)
        {
            var context = new BoundaryContext(BoundaryKind.TensorReduce, pass.Slot, rank);
            var input = Codec.Differentiable ? partials[rank] : partials[rank].detach();
            encoded[rank] = pass.Codec(() => Codec.Encode(input, context), out var seconds);
            encodeSeconds = Math.Max(encodeSeconds, seconds);
        }
        var payload = Codec.PayloadBytes(encoded[0]);
        var backward = Codec.BackwardBytes(encoded[0]);
        var shared = new BoundaryContext(BoundaryKind.TensorReduce, pass.Slot);
        Tensor result;
        if (Codec.Summable)
        {
            var codes = new Encoded([.. Enumerable.Range(0, encoded[0].Parts.Count)
                .Select(i => Sum(encoded.Select(e => e.Parts[i]).ToArray()))], encoded[0].Shape);
            result = pass.Codec(() => Codec.Decode(codes, shared), out decodeSeconds);
            pass.Forward.Add(new CollectiveMessage(CollectiveKind.AllReduce, payload, encodeSeconds, decodeSeconds));
            pass.Backward.Add(new CollectiveMessage(CollectiveKind.AllReduce, backward));
            return result;
        }
        var decoded = new Tensor[t];
        for (var rank = 0; rank < t; rank++)
        {
            var context = new BoundaryContext(BoundaryKind.TensorReduce, pass.Slot, rank);
            var x = pass.Codec(() => Codec.Decode(encoded[rank], context), out var seconds);
            decodeSeconds += seconds;
            decoded[rank] = Codec.Differentiable ? x : partials[rank] + (x - partials[rank]).detach();
        }
        pass.Forward.Add(new CollectiveMessage(CollectiveKind.AllGather, payload, encodeSeconds, decodeSeconds));
        pass.Backward.Add(Codec.Differentiable || Codec.CompressesBackward
            ? new CollectiveMessage(CollectiveKind.AllGather, backward)
            : new CollectiveMessage(CollectiveKind.AllReduce, backward));
        var sum = Sum(decoded);
        if (!Codec.CompressesBackward || !sum.requires_grad) return sum;
        var compression = new GradientCompression(Codec, shared);
        pass.CompressedBackward.Add((pass.Backward.Count - 1, compression));
        return GradientThroughCodec.apply(sum, compression);
    }

    private static Tensor Sum(IReadOnlyList<Tensor> parts)
    {
        var sum = parts[0];
        for (var i = 1; i < parts.Count; i++) sum = sum + parts[i];
        return sum;
    }

    public void Dispose() => Codec?.Dispose();
}

/// <summary>
/// What crosses a pipeline boundary: the receiver's input, and how its gradient returns to the sender.
/// </summary>
internal sealed record Delivery(Tensor Received, Tensor[] SenderTensors, Tensor[] ReceiverLeaves,
    PipelineMessage Forward, long BackwardBytes, GradientCompression? Compression = null)
{
    /// <summary>The gradient message, with its codec times once <see cref="Backward"/> has run.</summary>
    public PipelineMessage Gradient =>
        new(BackwardBytes, Compression?.EncodeSeconds ?? 0, Compression?.DecodeSeconds ?? 0);

    /// <summary>Runs the sender's backward from the gradients the receiver's leaves collected (through the codec
    /// when the backward message is compressed).</summary>
    public void Backward()
    {
        Tensor? surrogate = null;
        for (var i = 0; i < SenderTensors.Length; i++)
        {
            if (ReceiverLeaves[i].grad is not { } received) continue;
            var grad = Compression?.Apply(received) ?? received;
            var term = (SenderTensors[i] * grad).sum();
            surrogate = surrogate is null ? term : surrogate + term;
        }
        surrogate?.backward();
    }
}

/// <summary>
/// A pipeline send through the codec hook: the sender encodes, the payload crosses (detached, so each stage's backward
/// runs and is timed on its own), the receiver decodes. Differentiable codecs send the payload's gradient back;
/// straight-through ones send the gradient of the decoded tensor, encoded and decoded by the codec when it compresses
/// its backward message.
/// </summary>
internal sealed class PipelineSend(ICodec? codec) : IDisposable
{
    public ICodec? Codec { get; } = codec;

    public Delivery Send(Tensor output, PassContext pass)
    {
        var bytes = output.numel() * Codecs.Codec.FloatBytes;
        if (Codec is null || !pass.Compress)
        {
            var leaf = Leaf(output);
            return new Delivery(leaf, [output], [leaf], new PipelineMessage(bytes), bytes);
        }
        var context = new BoundaryContext(BoundaryKind.PipelineSend, pass.Slot);
        if (!Codec.Differentiable)
        {
            var e = pass.Codec(() => Codec.Encode(output.detach(), context), out var encodeSeconds);
            var x = pass.Codec(() => Codec.Decode(e, context), out var decodeSeconds).detach();
            if (output.requires_grad) x.requires_grad_();
            return new Delivery(x, [output], [x],
                new PipelineMessage(Codec.PayloadBytes(e), encodeSeconds, decodeSeconds), Codec.BackwardBytes(e),
                Codec.CompressesBackward ? new GradientCompression(Codec, context) : null);
        }
        var encoded = pass.Codec(() => Codec.Encode(output, context), out var encode);
        var leaves = encoded.Parts.Select(Leaf).ToArray();
        var received = pass.Codec(() => Codec.Decode(new Encoded(leaves, encoded.Shape), context), out var decode);
        var carried = Enumerable.Range(0, leaves.Length).Where(i => encoded.Parts[i].requires_grad).ToArray();
        return new Delivery(received, [.. carried.Select(i => encoded.Parts[i])], [.. carried.Select(i => leaves[i])],
            new PipelineMessage(Codec.PayloadBytes(encoded), encode, decode), Codec.BackwardBytes(encoded));
    }

    // A floating tensor that needs a gradient becomes a leaf that collects it; indices and codes travel as they are.
    private static Tensor Leaf(Tensor x) =>
        x.requires_grad ? x.detach().requires_grad_() : x.detach();

    public void Dispose() => Codec?.Dispose();
}
