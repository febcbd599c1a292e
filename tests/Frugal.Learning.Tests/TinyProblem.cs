using System.Security.Cryptography;
using Frugal.Core.Randomness;
using Frugal.Learning.Determinism;
using Frugal.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Learning.Tests;

/// <summary>A small binary classification task (label = whether x0 + x1 > 0) and a 2-layer MLP for it.</summary>
internal sealed class TinyProblem : IDisposable
{
    public const int Rows = 256;
    public const int Features = 4;
    public const int BatchSize = 32;

    private readonly SeedTree _seeds;

    public TinyProblem(ulong seed)
    {
        _seeds = new SeedTree(seed);
        Settings = DeterministicTorch.Configure(_seeds);
        var random = _seeds.Stream("data");
        var x = new float[Rows * Features];
        var y = new float[Rows];
        for (var r = 0; r < Rows; r++)
        {
            for (var f = 0; f < Features; f++) x[r * Features + f] = (float)(random.NextDouble() * 2 - 1);
            y[r] = x[r * Features] + x[r * Features + 1] > 0 ? 1 : 0;
        }
        Inputs = tensor(x, [Rows, Features]);
        Labels = tensor(y, [Rows, 1]);
        Model = NewModel();
        Optimizer = optim.Adam(Model.parameters(), 0.05);
        Shuffle = DeterministicTorch.Generator(_seeds, "shuffle");
    }

    public TorchSettings Settings { get; }
    public Tensor Inputs { get; }
    public Tensor Labels { get; }
    public nn.Module<Tensor, Tensor> Model { get; }
    public optim.Optimizer Optimizer { get; }
    public Generator Shuffle { get; }

    public static nn.Module<Tensor, Tensor> NewModel(int hidden = 8) =>
        nn.Sequential(nn.Linear(Features, hidden), nn.ReLU(), nn.Linear(hidden, 1));

    public Trainer<(Tensor X, Tensor Y)> Trainer() =>
        new(Model, Optimizer, batch => nn.functional.binary_cross_entropy_with_logits(Model.call(batch.X), batch.Y));

    /// <summary>An epoch's batches in an order drawn from the "shuffle" generator.</summary>
    public IEnumerable<(Tensor X, Tensor Y)> Batches(int epoch)
    {
        using var order = randperm(Rows, generator: Shuffle);
        for (var start = 0; start < Rows; start += BatchSize)
        {
            using var rows = order.narrow(0, start, BatchSize);
            using var x = Inputs.index_select(0, rows);
            using var y = Labels.index_select(0, rows);
            yield return (x, y);
        }
    }

    public TrainingHistory Train(int epochs) =>
        Trainer().Fit(new TrainingOptions { Epochs = epochs, BatchesPerEpoch = Rows / BatchSize }, Batches);

    /// <summary>SHA-256 over every parameter's name and bytes, in order.</summary>
    public static string ParameterHash(nn.Module model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, parameter) in model.named_parameters())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            hash.AppendData(parameter.detach().contiguous().bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
        Shuffle.Dispose();
    }
}
