using Frugal.Core.Randomness;
using Frugal.Graph.Models;
using Frugal.Learning.Determinism;

namespace Frugal.Graph.Tests;

public sealed class GraphSageTests
{
    // Cora's first layer: 1,433 features to 16 hidden units.
    private const int FanIn = 1433;
    private const int FanOut = 16;

    [Fact]
    public void GcnLayersStartAsDglsSageConv()
    {
        DeterministicTorch.Configure(new SeedTree(3));
        using var model = new GraphSage([FanIn, FanOut, 7], dropout: 0.5, SageAggregator.Gcn);
        var parameters = model.named_parameters().ToList();
        using var weight = parameters.First(p => p.name.EndsWith("weight")).parameter.detach();
        Assert.Equal([FanOut, FanIn], weight.shape);
        // DGL's reset_parameters: xavier_uniform_ with calculate_gain("relu") = √2, so |w| ≤ √2·√(6/(in + out)),
        // filled up to the bound, with the uniform's standard deviation bound/√3.
        var bound = Math.Sqrt(2) * Math.Sqrt(6.0 / (FanIn + FanOut));
        var largest = weight.abs().max().item<float>();
        Assert.InRange(largest, 0.99 * bound, bound);
        Assert.InRange(weight.std().item<float>(), 0.97 * bound / Math.Sqrt(3), 1.03 * bound / Math.Sqrt(3));
        Assert.All(parameters.Where(p => p.name.EndsWith("bias")),
            p => Assert.Equal(0f, p.parameter.abs().max().item<float>()));
    }

    [Fact]
    public void MeanLayersStartAsTorchSharpsXavierNormalThatIsGlorotUniform()
    {
        // TorchSharp 0.107's init.xavier_normal_ calls libtorch's xavier_uniform_ (NN/Init.cs), so the "Glorot-normal"
        // of the mean aggregator is Glorot-uniform with gain 1: standard deviation √(2/(in + out)), bounded by √3 times
        // it (a normal's 22,928 draws would pass 3.5 times it). Every published figure rests on this; a TorchSharp
        // that fixes it would change them, and this test says so.
        DeterministicTorch.Configure(new SeedTree(3));
        using var model = new GraphSage([FanIn, FanOut, 7], dropout: 0.5);
        using var weight = model.named_parameters().Select(p => p.parameter)
            .First(p => p.shape.SequenceEqual([FanOut, FanIn])).detach();
        var std = Math.Sqrt(2.0 / (FanIn + FanOut));
        Assert.InRange(weight.std().item<float>(), 0.97 * std, 1.03 * std);
        Assert.InRange(weight.abs().max().item<float>(), 0.99 * Math.Sqrt(3) * std, Math.Sqrt(3) * std);
    }
}
