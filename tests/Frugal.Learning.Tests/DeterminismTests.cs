using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Learning.Determinism;
using static TorchSharp.torch;

namespace Frugal.Learning.Tests;

public class DeterminismTests
{
    private static string HashAfterTraining(ulong seed, int epochs)
    {
        using var problem = new TinyProblem(seed);
        problem.Train(epochs);
        return TinyProblem.ParameterHash(problem.Model);
    }

    [Fact]
    public void TheSameSeedTrainsBitIdenticalParameters()
    {
        Assert.Equal(HashAfterTraining(seed: 7, epochs: 3), HashAfterTraining(seed: 7, epochs: 3));
    }

    [Fact]
    public void AnotherSeedTrainsOtherParameters()
    {
        Assert.NotEqual(HashAfterTraining(seed: 7, epochs: 1), HashAfterTraining(seed: 8, epochs: 1));
    }

    [Fact]
    public void ConfigureFixesThreadsAndTurnsDeterministicAlgorithmsOn()
    {
        var settings = DeterministicTorch.Configure(new SeedTree(1), threads: 1);

        Assert.Equal(1, get_num_threads());
        Assert.True(settings.DeterministicAlgorithms);
        Assert.True(DeterministicTorch.DeterministicAlgorithmsEnabled());
        Assert.Equal(new SeedTree(1).SeedOf(DeterministicTorch.GlobalStream), settings.GlobalSeed);

        var result = settings.RecordIn(new ExperimentResult("learning.test", "test"));
        Assert.Equal("1", result.Parameters["torch threads"]);
    }

    [Fact]
    public void EachNamedGeneratorHasItsOwnReproducibleStream()
    {
        var seeds = new SeedTree(3);
        using var shuffle = DeterministicTorch.Generator(seeds, "shuffle");
        using var again = DeterministicTorch.Generator(seeds, "shuffle");
        using var negatives = DeterministicTorch.Generator(seeds, "negatives");

        using var a = randperm(50, generator: shuffle);
        using var b = randperm(50, generator: again);
        using var c = randperm(50, generator: negatives);

        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }
}
