using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Learning.Determinism;
using static TorchSharp.torch;

namespace Frugal.Learning.Tests;

public class DeterminismTests
{
    [Fact]
    public void TheSameSeedTrainsBitIdenticalParameters()
    {
        string first, second;
        using (var problem = new TinyProblem(seed: 7))
        {
            problem.Train(epochs: 3);
            first = TinyProblem.ParameterHash(problem.Model);
        }
        using (var problem = new TinyProblem(seed: 7))
        {
            problem.Train(epochs: 3);
            second = TinyProblem.ParameterHash(problem.Model);
        }
        Assert.Equal(first, second);
    }

    [Fact]
    public void AnotherSeedTrainsOtherParameters()
    {
        string first, second;
        using (var problem = new TinyProblem(seed: 7))
        {
            problem.Train(epochs: 1);
            first = TinyProblem.ParameterHash(problem.Model);
        }
        using (var problem = new TinyProblem(seed: 8))
        {
            problem.Train(epochs: 1);
            second = TinyProblem.ParameterHash(problem.Model);
        }
        Assert.NotEqual(first, second);
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
