using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Compression.Model;

/// <summary>The weights of one layer, unsharded: y = x·Wᵀ + b for every linear map.</summary>
internal sealed record LayerWeights(Tensor Norm1Weight, Tensor Norm1Bias, Tensor Qkv, Tensor QkvBias, Tensor Out,
    Tensor OutBias, Tensor Norm2Weight, Tensor Norm2Bias, Tensor Up, Tensor UpBias, Tensor Down, Tensor DownBias)
{
    public IEnumerable<Tensor> All =>
        [Norm1Weight, Norm1Bias, Qkv, QkvBias, Out, OutBias, Norm2Weight, Norm2Bias, Up, UpBias, Down, DownBias];
}

/// <summary>
/// All weights of the unsharded model, drawn from one seed: linear maps and embeddings N(0, 0.02²), biases 0, layer
/// norms 1 and 0. Sharded models copy their slices from here, so every parallel layout starts from the same model.
/// </summary>
internal sealed class TransformerWeights : IDisposable
{
    public TransformerWeights(TransformerConfig config, ulong seed)
    {
        Config = config;
        using var g = new Generator(seed);
        var (h, f) = (config.Hidden, config.Ffn);
        Tensor Normal(params long[] shape) => new Parameter(randn(shape, generator: g) * 0.02);
        Tensor Zeros(long n) => new Parameter(zeros(n));
        Tensor Ones(long n) => new Parameter(ones(n));
        TokenEmbedding = Normal(config.Vocabulary, h);
        PositionEmbedding = Normal(config.Sequence, h);
        Layers = [.. Enumerable.Range(0, config.Layers).Select(_ => new LayerWeights(Ones(h), Zeros(h),
            Normal(3 * h, h), Zeros(3 * h), Normal(h, h), Zeros(h), Ones(h), Zeros(h), Normal(f, h), Zeros(f),
            Normal(h, f), Zeros(h)))];
        FinalNormWeight = Ones(h);
        FinalNormBias = Zeros(h);
        Head = Normal(config.Outputs, h);
        HeadBias = Zeros(config.Outputs);
    }

    public TransformerConfig Config { get; }
    public Tensor TokenEmbedding { get; }
    public Tensor PositionEmbedding { get; }
    public IReadOnlyList<LayerWeights> Layers { get; }
    public Tensor FinalNormWeight { get; }
    public Tensor FinalNormBias { get; }
    public Tensor Head { get; }
    public Tensor HeadBias { get; }

    public IEnumerable<Tensor> All =>
        [TokenEmbedding, PositionEmbedding, .. Layers.SelectMany(l => l.All), FinalNormWeight, FinalNormBias, Head,
            HeadBias];

    public void Dispose()
    {
        foreach (var t in All) t.Dispose();
    }
}

/// <summary>The functional pieces shared by the unsharded and the sharded model.</summary>
internal static class Blocks
{
    /// <summary>x·Wᵀ + b (b may be null).</summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? b = null) =>
        b is null ? x.matmul(w.t()) : x.matmul(w.t()) + b;

    public static Tensor Norm(Tensor x, Tensor w, Tensor b) =>
        nn.functional.layer_norm(x, [x.shape[^1]], w, b, 1e-5);

    /// <summary>Embeds tokens [b, s] as [s, b, h].</summary>
    public static Tensor Embed(Tensor tokens, Tensor tokenEmbedding, Tensor positionEmbedding) =>
        (tokenEmbedding.index_select(0, tokens.reshape(-1)).reshape(tokens.shape[0], tokens.shape[1], -1)
            + positionEmbedding[..(int)tokens.shape[1]]).transpose(0, 1);

    /// <summary>Scaled dot-product attention over q, k, v [s, b, heads·d], causal for a language model.</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v, int heads, bool causal)
    {
        var (s, b, width) = (q.shape[0], q.shape[1], q.shape[2]);
        Tensor Split(Tensor x) => x.reshape(s, b, heads, width / heads).permute(1, 2, 0, 3);
        var o = nn.functional.scaled_dot_product_attention(Split(q), Split(k), Split(v), is_casual: causal);
        return o.permute(2, 0, 1, 3).reshape(s, b, width);
    }

    /// <summary>The head's loss: next-token cross-entropy or the class of position 0.</summary>
    public static Tensor Loss(TransformerConfig config, Tensor logits, Tensor targets) =>
        config.Task == TransformerTask.Language
            ? nn.functional.cross_entropy(logits.reshape(-1, config.Outputs), targets.transpose(0, 1).reshape(-1))
            : nn.functional.cross_entropy(logits, targets);

    /// <summary>Logits from the final hidden state [s, b, h]: every position, or position 0 for a classifier.</summary>
    public static Tensor Head(TransformerConfig config, Tensor x, Tensor normW, Tensor normB, Tensor w, Tensor b)
    {
        var y = Norm(x, normW, normB);
        return Linear(config.Task == TransformerTask.Language ? y : y[0], w, b);
    }
}

/// <summary>The unsharded model: the reference every parallel layout must match.</summary>
internal static class ReferenceTransformer
{
    /// <summary>The loss on <paramref name="tokens"/> [b, s] against <paramref name="targets"/>.</summary>
    public static Tensor Loss(TransformerWeights w, Tensor tokens, Tensor targets)
    {
        var config = w.Config;
        var x = Blocks.Embed(tokens, w.TokenEmbedding, w.PositionEmbedding);
        var h = config.Hidden;
        foreach (var l in w.Layers)
        {
            var qkv = Blocks.Linear(Blocks.Norm(x, l.Norm1Weight, l.Norm1Bias), l.Qkv, l.QkvBias);
            var o = Blocks.Attention(qkv[.., .., ..h], qkv[.., .., h..(2 * h)], qkv[.., .., (2 * h)..], config.Heads,
                config.Task == TransformerTask.Language);
            x = x + Blocks.Linear(o, l.Out, l.OutBias);
            var up = nn.functional.gelu(Blocks.Linear(Blocks.Norm(x, l.Norm2Weight, l.Norm2Bias), l.Up, l.UpBias));
            x = x + Blocks.Linear(up, l.Down, l.DownBias);
        }
        var logits = Blocks.Head(config, x, w.FinalNormWeight, w.FinalNormBias, w.Head, w.HeadBias);
        return Blocks.Loss(config, logits, targets);
    }
}
