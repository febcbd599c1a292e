using System.Security.Cryptography;
using Frugal.Core.Randomness;
using Frugal.Recsys.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Recsys.Model;

/// <summary>What one trainer's forward and backward pass over its shard gives.</summary>
/// <param name="Loss">The shard's summed log-loss divided by the global batch size: the ranks' values sum to the
/// batch's mean loss.</param>
/// <param name="DenseGradient">The dense parameters' gradient, flattened in parameter order.</param>
/// <param name="RowGradient">One gradient row of length d per local row key, in key order.</param>
internal sealed record LocalGradients(float Loss, float[] DenseGradient, float[] RowGradient);

/// <summary>
/// A model replica on one trainer: the dense network (DLRM or DCN) and the per-batch dense leaf through which the
/// embedding rows enter (§6.2): the shard's unique rows are gathered into a leaf E [u, d] with requires_grad, and
/// each sample looks its rows up by index, so E's gradient is dense with one row per id and every mode applies the
/// same update to it. Dense parameters start from the run's seed (stream "dense"), identical on every trainer.
/// </summary>
internal sealed class RecModel : IDisposable
{
    private readonly nn.Module<Tensor, Tensor, Tensor> _network;
    private readonly Parameter[] _parameters;

    public RecModel(ModelConfig config, int tables, SeedTree seeds)
    {
        Config = config;
        Tables = tables;
        _network = config.Kind == ModelKind.Dlrm ? new DlrmNetwork(tables, config) : new DcnNetwork(tables, config);
        _parameters = [.. _network.parameters()];
        DenseCount = _parameters.Sum(p => (int)p.numel());
        // Initialised from our own stream, not libtorch's global generator: trainers in one process build their
        // replicas concurrently and must all start from the same values.
        var random = seeds.Stream("dense");
        var values = new float[DenseCount];
        var offset = 0;
        foreach (var p in _parameters)
        {
            var fanIn = p.dim() == 2 ? p.shape[1] : 0;
            var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            for (var i = 0; i < p.numel(); i++) values[offset + i] = (float)((random.NextDouble() * 2 - 1) * bound);
            offset += (int)p.numel();
        }
        SetDense(values);
    }

    public ModelConfig Config { get; }

    public int Tables { get; }

    /// <summary>Dense (MLP) parameters in all.</summary>
    public int DenseCount { get; }

    /// <summary>The dense parameters, flattened in parameter order.</summary>
    public float[] GetDense()
    {
        var values = new float[DenseCount];
        var offset = 0;
        foreach (var p in _parameters)
        {
            p.data<float>().ToArray().CopyTo(values, offset);
            offset += (int)p.numel();
        }
        return values;
    }

    /// <summary>Replaces the dense parameters by <paramref name="values"/> (flattened in parameter order).</summary>
    public void SetDense(float[] values)
    {
        using var noGrad = no_grad();
        var offset = 0;
        foreach (var p in _parameters)
        {
            var count = (int)p.numel();
            using var source = tensor(values.AsSpan(offset, count).ToArray(), p.shape);
            p.copy_(source);
            offset += count;
        }
    }

    /// <summary>
    /// Forward and backward over <paramref name="shard"/>. <paramref name="rows"/> holds the shard's
    /// <paramref name="keyCount"/> unique rows in key order, d floats each; <paramref name="lookup"/> gives, per
    /// sample and table, the index of its row.
    /// </summary>
    public LocalGradients Backward(CtrBatch shard, float[] rows, long[] lookup, int keyCount, int globalBatch)
    {
        using var scope = NewDisposeScope();
        var d = Config.Dim;
        foreach (var p in _parameters) p.grad?.zero_();
        var dense = Aligned(tensor(shard.Dense, [shard.Size, CtrBatch.DenseCount]));
        var leaf = Aligned(tensor(rows, [keyCount, d])).requires_grad_(true);
        var embeddings = leaf.index_select(0, Aligned(tensor(lookup))).reshape(shard.Size, Tables, d);
        var logits = _network.call(dense, embeddings);
        var labels = Aligned(tensor(shard.Labels.Select(l => (float)l).ToArray()));
        var loss = nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction: nn.Reduction.Sum)
            / globalBatch;
        loss.backward();
        var gradient = new float[DenseCount];
        var offset = 0;
        foreach (var p in _parameters)
        {
            if (p.grad is { } g) g.data<float>().ToArray().CopyTo(gradient, offset);
            offset += (int)p.numel();
        }
        return new LocalGradients(loss.item<float>(), gradient, leaf.grad!.data<float>().ToArray());
    }

    /// <summary>
    /// A copy in libtorch's own (64-byte aligned) memory. A tensor made from a managed array uses the array's memory,
    /// whose alignment varies from run to run, and the vectorised kernels split their sums by alignment: without the
    /// copy the last bits of the loss and the gradients change between runs.
    /// </summary>
    private static Tensor Aligned(Tensor wrapped) => wrapped.clone();

    public void Dispose() => _network.Dispose();
}

/// <summary>The one update every mode applies, to embedding rows and dense parameters alike: w −= lr·g in float32.
/// Stateless, so applying a gradient later (SyncLater) gives the same bits as applying it at once.</summary>
internal static class Sgd
{
    public static void Apply(Span<float> weights, ReadOnlySpan<float> gradient, float learningRate)
    {
        for (var i = 0; i < weights.Length; i++) weights[i] -= learningRate * gradient[i];
    }
}

/// <summary>SHA-256 over float values with −0 read as +0 (the modes may differ only in the sign of a zero).</summary>
internal sealed class ParameterHash : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(ReadOnlySpan<float> values)
    {
        Span<byte> bytes = stackalloc byte[4];
        foreach (var v in values)
        {
            BitConverter.TryWriteBytes(bytes, v == 0 ? 0f : v);
            _hash.AppendData(bytes);
        }
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
