using System.Diagnostics;
using Frugal.Compression.Codecs;
using Frugal.Compression.Simulation;
using Frugal.Core.Randomness;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Compression.Model;

/// <summary>One tensor-parallel rank's slice of a layer: its heads of QKV and their columns of the output projection,
/// its FFN units of the first linear and their columns of the second.</summary>
internal sealed record LayerShard(Parameter Qkv, Parameter QkvBias, Parameter Out, Parameter Up, Parameter UpBias,
    Parameter Down)
{
    public IEnumerable<Parameter> All => [Qkv, QkvBias, Out, Up, UpBias, Down];
}

/// <summary>A layer split over T ranks: replicated norms and output biases, T shards, and two collectives.</summary>
internal sealed record ShardedLayer(Parameter Norm1Weight, Parameter Norm1Bias, Parameter OutBias,
    Parameter Norm2Weight, Parameter Norm2Bias, Parameter DownBias, LayerShard[] Shards, Collective Attention,
    Collective Ffn)
{
    public IEnumerable<Parameter> All =>
        [Norm1Weight, Norm1Bias, OutBias, Norm2Weight, Norm2Bias, DownBias, .. Shards.SelectMany(s => s.All)];
}

/// <summary>
/// The Transformer split over simulated devices (stage, tensor-parallel rank), design §6.1: QKV and the first FFN
/// linear column-split by heads and units, the output projection and the second FFN linear row-split with their partial
/// sums added by a <see cref="Collective"/>; contiguous layer ranges per pipeline stage joined by
/// <see cref="PipelineSend"/>s. Everything runs on the CPU in this process, one shard at a time; each stage's forward
/// and backward are timed. The numbers do not depend on the pipeline schedule (gradients add up across
/// micro-batches), so the schedule is the step simulator's business.
/// </summary>
internal sealed class ShardedTransformer : IDisposable
{
    private readonly Parameter _tokenEmbedding, _positionEmbedding, _finalNormWeight, _finalNormBias, _head, _headBias;
    private readonly ShardedLayer[] _layers;
    private readonly PipelineSend[] _sends;
    private readonly int[] _firstLayer;

    public ShardedTransformer(TransformerWeights full, int tensorParallel, int stages, CompressionPlan plan,
        SeedTree seeds)
    {
        var config = full.Config;
        config.Check(tensorParallel, stages);
        plan.Check(config.Layers);
        (Config, TensorParallel, Stages, Plan) = (config, tensorParallel, stages, plan);
        using var noGrad = no_grad();
        static Parameter Copy(Tensor t) => new(t.detach().clone());
        _tokenEmbedding = Copy(full.TokenEmbedding);
        _positionEmbedding = Copy(full.PositionEmbedding);
        _finalNormWeight = Copy(full.FinalNormWeight);
        _finalNormBias = Copy(full.FinalNormBias);
        _head = Copy(full.Head);
        _headBias = Copy(full.HeadBias);
        var (h, f, t) = (config.Hidden, config.Ffn, tensorParallel);
        var startLayer = plan.StartLayer(config.Layers);
        ICodec? CodecAt(bool on, string name) => on && plan.Compresses
            ? CodecCatalog.Create(plan.Codec, new CodecSite(h, seeds.SeedOf(name)))
            : null;
        _layers = [.. full.Layers.Select((l, i) =>
        {
            LayerShard Shard(int r)
            {
                var (a, b) = (r * h / t, (r + 1) * h / t);
                var (u, v) = (r * f / t, (r + 1) * f / t);
                var qkvRows = cat([l.Qkv[a..b], l.Qkv[(h + a)..(h + b)], l.Qkv[(2 * h + a)..(2 * h + b)]]);
                var qkvBias = cat([l.QkvBias[a..b], l.QkvBias[(h + a)..(h + b)], l.QkvBias[(2 * h + a)..(2 * h + b)]]);
                return new LayerShard(Copy(qkvRows), Copy(qkvBias), Copy(l.Out[.., a..b]), Copy(l.Up[u..v]),
                    Copy(l.UpBias[u..v]), Copy(l.Down[.., u..v]));
            }
            var compress = plan.TensorParallel && t > 1 && i >= startLayer;
            return new ShardedLayer(Copy(l.Norm1Weight), Copy(l.Norm1Bias), Copy(l.OutBias), Copy(l.Norm2Weight),
                Copy(l.Norm2Bias), Copy(l.DownBias), [.. Enumerable.Range(0, t).Select(Shard)],
                new Collective(CodecAt(compress, $"layer{i}.attention")),
                new Collective(CodecAt(compress, $"layer{i}.ffn")));
        })];
        _firstLayer = [.. Enumerable.Range(0, stages + 1).Select(s => s * config.Layers / stages)];
        _sends = [.. Enumerable.Range(0, stages - 1).Select(s =>
            new PipelineSend(CodecAt(plan.Pipeline && s >= plan.PipelineStartStage, $"stage{s}.send")))];
    }

    public TransformerConfig Config { get; }
    public int TensorParallel { get; }
    public int Stages { get; }
    public CompressionPlan Plan { get; }

    /// <summary>Model weights and the codecs' learned weights, for the optimiser.</summary>
    public IReadOnlyList<Parameter> Parameters => [.. ModelParameters, .. Codecs.SelectMany(c => c.Parameters)];

    private IEnumerable<Parameter> ModelParameters =>
    [
        _tokenEmbedding, _positionEmbedding, .. _layers.SelectMany(l => l.All), _finalNormWeight, _finalNormBias,
        _head, _headBias,
    ];

    private IEnumerable<ICodec> Codecs =>
        _layers.SelectMany(l => new[] { l.Attention.Codec, l.Ffn.Codec }).Concat(_sends.Select(s => s.Codec))
            .OfType<ICodec>();

    internal IReadOnlyList<ShardedLayer> Layers => _layers;
    internal Parameter TokenEmbedding => _tokenEmbedding;

    /// <summary>Whether step <paramref name="step"/> (0-based) compresses, or evaluation when it is null.</summary>
    public bool CompressesAt(int? step) =>
        Plan.Compresses && (step is { } s ? s >= Plan.WarmupSteps : Plan.AtInference);

    /// <summary>
    /// One training step over <paramref name="microBatches"/> (tokens [b, s], targets): forward and backward of each
    /// micro-batch stage by stage, gradients added up (each loss divided by the micro-batch count). The optimiser step
    /// is the caller's. Returns the mean loss and the measured profile.
    /// </summary>
    public (double Loss, StepProfile Profile) TrainStep(IReadOnlyList<(Tensor Tokens, Tensor Targets)> microBatches,
        int step)
    {
        var profile = new StepProfile(Stages, microBatches.Count, TensorParallel);
        var compress = CompressesAt(step);
        var total = 0.0;
        for (var m = 0; m < microBatches.Count; m++)
        {
            using var scope = NewDisposeScope();
            var (tokens, targets) = microBatches[m];
            var deliveries = new Delivery[Stages - 1];
            var passes = new PassContext[Stages];
            var forwardShare = new double[Stages];
            Tensor? input = null;
            Tensor loss = null!;
            for (var s = 0; s < Stages; s++)
            {
                var pass = passes[s] = new PassContext(m, compress, TensorParallel, training: true);
                var work = profile[s, m];
                var clock = Stopwatch.StartNew();
                var output = StageForward(s, input, tokens, pass);
                if (s == Stages - 1) loss = Blocks.Loss(Config, HeadOf(output), targets) / microBatches.Count;
                var seconds = clock.Elapsed.TotalSeconds - pass.CodecSeconds;
                var sharded = pass.ShardSeconds.Sum();
                // Ranks run their shards side by side: a device's time is the replicated part plus its own shard.
                work.ForwardCompute = seconds - sharded + pass.ShardSeconds.Max();
                forwardShare[s] = seconds > 0 ? work.ForwardCompute / seconds : 1;
                work.ForwardCollectives.AddRange(pass.Forward);
                work.BackwardCollectives.AddRange(pass.Backward);
                if (s < Stages - 1)
                {
                    deliveries[s] = _sends[s].Send(output, pass);
                    work.Activation = deliveries[s].Forward;
                    input = deliveries[s].Received;
                }
            }
            total += loss.item<float>() * microBatches.Count;
            for (var s = Stages - 1; s >= 0; s--)
            {
                var clock = Stopwatch.StartNew();
                if (s == Stages - 1) loss.backward();
                else deliveries[s].Backward();
                var seconds = clock.Elapsed.TotalSeconds
                              - passes[s].RecordBackwardCodecs(profile[s, m].BackwardCollectives);
                if (s < Stages - 1)
                {
                    var gradient = profile[s + 1, m].Gradient = deliveries[s].Gradient;
                    seconds -= gradient.EncodeSeconds + gradient.DecodeSeconds;
                }
                // The stage's backward ran on one core for all ranks; a device does its share, as in the forward pass.
                profile[s, m].BackwardCompute = seconds * forwardShare[s];
            }
        }
        return (total / microBatches.Count, profile);
    }

    /// <summary>The mean loss and accuracy (of the next token, or the class) over <paramref name="batches"/>, with
    /// compression as the plan sets it for inference, or off when <paramref name="compressed"/> is false.</summary>
    public (double Loss, double Accuracy) Evaluate(IEnumerable<(Tensor Tokens, Tensor Targets)> batches,
        bool compressed)
    {
        using var noGrad = no_grad();
        double loss = 0, correct = 0, count = 0, batchCount = 0;
        foreach (var (tokens, targets) in batches)
        {
            using var scope = NewDisposeScope();
            Tensor? input = null;
            Tensor output = null!;
            var slot = -1; // evaluation keeps its own error-feedback and warm-start state
            for (var s = 0; s < Stages; s++)
            {
                var pass = new PassContext(slot, compressed && CompressesAt(null), TensorParallel, training: false);
                output = StageForward(s, input, tokens, pass);
                if (s < Stages - 1) input = _sends[s].Send(output, pass).Received;
            }
            var logits = HeadOf(output);
            loss += Blocks.Loss(Config, logits, targets).item<float>();
            batchCount++;
            var predicted = logits.argmax(-1);
            var truth = Config.Task == TransformerTask.Language ? targets.transpose(0, 1) : targets;
            correct += predicted.eq(truth).sum().item<long>();
            count += truth.numel();
        }
        return (loss / batchCount, correct / count);
    }

    private Tensor HeadOf(Tensor x) => Blocks.Head(Config, x, _finalNormWeight, _finalNormBias, _head, _headBias);

    /// <summary>The loss of the whole model on one batch, uncompressed (for the equivalence test).</summary>
    internal Tensor Loss(Tensor tokens, Tensor targets, bool compressed = false)
    {
        Tensor? input = null;
        Tensor output = null!;
        for (var s = 0; s < Stages; s++)
        {
            var pass = new PassContext(0, compressed, TensorParallel, training: true);
            output = StageForward(s, input, tokens, pass);
            if (s < Stages - 1) input = _sends[s].Send(output, pass).Received;
        }
        return Blocks.Loss(Config, HeadOf(output), targets);
    }

    private Tensor StageForward(int stage, Tensor? input, Tensor tokens, PassContext pass)
    {
        var x = input ?? Blocks.Embed(tokens, _tokenEmbedding, _positionEmbedding);
        for (var i = _firstLayer[stage]; i < _firstLayer[stage + 1]; i++) x = LayerForward(_layers[i], x, pass);
        return x;
    }

    private Tensor LayerForward(ShardedLayer layer, Tensor x, PassContext pass)
    {
        var width = Config.Hidden / TensorParallel;
        var heads = Config.Heads / TensorParallel;
        var causal = Config.Task == TransformerTask.Language;
        var a = Blocks.Norm(x, layer.Norm1Weight, layer.Norm1Bias);
        var attention = layer.Shards.Select((shard, rank) => pass.Shard(rank, () =>
        {
            var qkv = Blocks.Linear(a, shard.Qkv, shard.QkvBias);
            var o = Blocks.Attention(qkv[.., .., ..width], qkv[.., .., width..(2 * width)],
                qkv[.., .., (2 * width)..], heads, causal);
            return Blocks.Linear(o, shard.Out);
        })).ToArray();
        x = x + layer.Attention.Reduce(attention, pass) + layer.OutBias;
        var n = Blocks.Norm(x, layer.Norm2Weight, layer.Norm2Bias);
        var ffn = layer.Shards.Select((shard, rank) => pass.Shard(rank, () =>
            Blocks.Linear(nn.functional.gelu(Blocks.Linear(n, shard.Up, shard.UpBias)), shard.Down))).ToArray();
        return x + layer.Ffn.Reduce(ffn, pass) + layer.DownBias;
    }

    public void Dispose()
    {
        foreach (var c in Codecs) c.Dispose();
        foreach (var p in ModelParameters) p.Dispose();
    }
}
