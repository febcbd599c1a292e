using Frugal.Core.Errors;
using Frugal.Scheduling.Iteration;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.JigSaw;

/// <summary>Counts the activation bytes the blocks keep for backward in the current pass.</summary>
internal sealed class ActivationRecorder
{
    public long Bytes { get; private set; }

    /// <summary>Adds <paramref name="tensor"/> if autograd keeps it (grad mode on).</summary>
    public void Keep(Tensor tensor)
    {
        if (is_grad_enabled()) Bytes += tensor.NumberOfElements * tensor.ElementSize;
    }

    public void Reset() => Bytes = 0;
}

/// <summary>
/// One block of an SPB network: a layer, optionally followed by a ReLU, with its per-sample profile as the cost
/// model reads it. Forward FLOPs count 2 per multiply-add; the weight and the input gradients cost as much as the
/// forward pass. Kept for backward: the block's input (its layer needs it for the weight gradient) and the ReLU's
/// output; <see cref="ActivationRecorder"/> counts the tensors actually kept.
/// </summary>
internal sealed class SpbBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly bool _relu;
    private readonly ActivationRecorder _recorder;

    public SpbBlock(string name, nn.Module<Tensor, Tensor> layer, bool relu, double flops, double activationBytes,
        ActivationRecorder recorder) : base(name)
    {
        body = layer;
        _relu = relu;
        _recorder = recorder;
        Flops = flops;
        ActivationBytes = activationBytes;
        RegisterComponents();
    }

    /// <summary>F_i = Bw_i = Ba_i per sample.</summary>
    public double Flops { get; }

    /// <summary>A_i per sample.</summary>
    public double ActivationBytes { get; }

    public override Tensor forward(Tensor input)
    {
        _recorder.Keep(input);
        var output = body.call(input);
        if (!_relu) return output;
        output = nn.functional.relu(output);
        _recorder.Keep(output);
        return output;
    }

    public BlockProfile Profile() =>
        new(GetName(), 4.0 * parameters().Sum(p => p.NumberOfElements), Flops, Flops, Flops, ActivationBytes);
}

/// <summary>Splits a feature vector into tokens and embeds each: (b, F) → (b, T, d).</summary>
internal sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> linear;
    private readonly int _tokens;
    private readonly int _chunk;

    public TokenEmbedding(int features, int tokens, int dim) : base("tokens")
    {
        _tokens = tokens;
        _chunk = (features + tokens - 1) / tokens;
        linear = nn.Linear(_chunk, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var padded = nn.functional.pad(input, [0, _tokens * _chunk - input.shape[1]]);
        return linear.call(padded.reshape(input.shape[0], _tokens, _chunk));
    }
}

/// <summary>Mean over tokens, then a linear classifier: (b, T, d) → (b, classes).</summary>
internal sealed class PooledHead : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> linear;

    public PooledHead(int dim, int classes) : base("head")
    {
        linear = nn.Linear(dim, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => linear.call(input.mean([1]));
}

/// <summary>A feature vector as one channel: (b, F) → (b, 1, F), then a 1-D convolution.</summary>
internal sealed class Conv1dOnFeatures : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly bool _flattenOut;

    public Conv1dOnFeatures(int inChannels, int outChannels, int kernel, int stride, bool flattenOut) : base("conv")
    {
        conv = nn.Conv1d(inChannels, outChannels, kernel, stride);
        _flattenOut = flattenOut;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input.dim() == 2 ? input.unsqueeze(1) : input;
        var y = conv.call(x);
        return _flattenOut ? y.flatten(1) : y;
    }
}

/// <summary>
/// A post-norm transformer encoder layer on (b, T, d): multi-head self-attention and a ReLU feed-forward, each with
/// a residual connection and layer norm; no dropout, so runs are deterministic.
/// </summary>
internal sealed class EncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> qkv, output, up, down, norm1, norm2;
    private readonly int _heads;

    public EncoderLayer(int dim, int heads, int ff) : base("encoder")
    {
        _heads = heads;
        qkv = nn.Linear(dim, 3 * dim);
        output = nn.Linear(dim, dim);
        up = nn.Linear(dim, ff);
        down = nn.Linear(ff, dim);
        norm1 = nn.LayerNorm(dim);
        norm2 = nn.LayerNorm(dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var (b, t, d) = (input.shape[0], input.shape[1], input.shape[2]);
        var parts = qkv.call(input).reshape(b, t, 3, _heads, d / _heads).permute(2, 0, 3, 1, 4);
        var scores = parts[0].matmul(parts[1].transpose(-2, -1)) / Math.Sqrt(d / _heads);
        var context = scores.softmax(-1).matmul(parts[2]).transpose(1, 2).reshape(b, t, d);
        var x = norm1.call(input + output.call(context));
        return norm2.call(x + down.call(nn.functional.relu(up.call(x))));
    }
}

/// <summary>The networks <c>frugal jigsaw train</c> trains, as blocks from the input to the output.</summary>
internal static class SpbNetworks
{
    /// <summary>The model names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "cnn", "transformer"];

    /// <summary>Builds <paramref name="model"/> for these inputs and classes.</summary>
    /// <exception cref="BadInputException">An unknown model name.</exception>
    public static List<SpbBlock> Build(string model, int features, int classes, ActivationRecorder recorder) =>
        model switch
        {
            "mlp" => Mlp(features, classes, [128, 128, 64], recorder),
            "cnn" => Cnn(features, classes, recorder),
            "transformer" => Transformer(features, classes, recorder),
            _ => throw new BadInputException(
                $"unknown model '{model}'; known: {string.Join(", ", Names)}", "model"),
        };

    /// <summary>Dense blocks (Linear + ReLU) of the given widths, then a linear head.</summary>
    public static List<SpbBlock> Mlp(int features, int classes, IReadOnlyList<int> widths, ActivationRecorder recorder)
    {
        var blocks = new List<SpbBlock>();
        var width = features;
        foreach (var next in widths.Append(classes))
        {
            var head = blocks.Count == widths.Count;
            blocks.Add(new SpbBlock(head ? "head" : $"dense{blocks.Count + 1}", nn.Linear(width, next), !head,
                2.0 * width * next, 4.0 * (width + (head ? 0 : next)), recorder));
            width = next;
        }
        return blocks;
    }

    private static List<SpbBlock> Cnn(int features, int classes, ActivationRecorder recorder)
    {
        const int k = 5, stride = 2;
        var l1 = (features - k) / stride + 1;
        var l2 = (l1 - k) / stride + 1;
        var l3 = (l2 - k) / stride + 1;
        return
        [
            new SpbBlock("conv1", new Conv1dOnFeatures(1, 8, k, stride, false), true, 2.0 * 8 * k * l1,
                4.0 * (features + 8 * l1), recorder),
            new SpbBlock("conv2", new Conv1dOnFeatures(8, 16, k, stride, false), true, 2.0 * 8 * 16 * k * l2,
                4.0 * (8 * l1 + 16 * l2), recorder),
            new SpbBlock("conv3", new Conv1dOnFeatures(16, 16, k, stride, true), true, 2.0 * 16 * 16 * k * l3,
                4.0 * (16 * l2 + 16 * l3), recorder),
            new SpbBlock("head", nn.Linear(16 * l3, classes), false, 2.0 * 16 * l3 * classes, 4.0 * 16 * l3,
                recorder),
        ];
    }

    private static List<SpbBlock> Transformer(int features, int classes, ActivationRecorder recorder)
    {
        const int tokens = 8, dim = 32, ff = 64, heads = 4;
        var chunk = (features + tokens - 1) / tokens;
        var layer = 2.0 * (4 * dim * dim + 2 * dim * ff) * tokens + 4.0 * tokens * tokens * dim;
        SpbBlock Encoder(int i) => new($"encoder{i}", new EncoderLayer(dim, heads, ff), false, layer,
            4.0 * tokens * dim, recorder);
        return
        [
            new SpbBlock("tokens", new TokenEmbedding(features, tokens, dim), false, 2.0 * chunk * dim * tokens,
                4.0 * tokens * chunk, recorder),
            Encoder(1),
            Encoder(2),
            new SpbBlock("head", new PooledHead(dim, classes), false, 2.0 * dim * classes, 4.0 * tokens * dim,
                recorder),
        ];
    }
}
