using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>Creates optimisers by the names users give (<c>--method</c> names the optimiser inside any space adapter).</summary>
public static class OptimizerCatalog
{
    private static readonly Dictionary<string, Func<IReadOnlyList<OptimizerDimension>, RandomStream, IOptimizer>> Factories = new()
    {
        ["random"] = (dimensions, random) => new RandomSearch(dimensions, random),
        ["lhs"] = (dimensions, random) => new LatinHypercubeSearch(dimensions, random),
        ["gp"] = (dimensions, random) => BayesianOptimizer.WithGaussianProcess(dimensions, random),
        ["smac"] = (dimensions, random) => BayesianOptimizer.WithRandomForest(dimensions, random),
    };

    /// <summary>Every optimiser name, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Names => [.. Factories.Keys];

    /// <summary>A fresh optimiser over <paramref name="dimensions"/> drawing all its randomness from <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IOptimizer Create(string name, IReadOnlyList<OptimizerDimension> dimensions, RandomStream random) =>
        Factories.TryGetValue(name, out var factory)
            ? factory(dimensions, random)
            : throw new ArgumentException($"unknown optimizer '{name}' (known: {string.Join(", ", Names)})", nameof(name));
}
