using Frugal.Core.Catalogs;
using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// Creates optimisers by the names users give (<c>--method</c> names the optimiser inside any space adapter).
/// </summary>
public static class OptimizerCatalog
{
    /// <summary>Every optimiser, by name, as a factory over a box and the stream it draws from.</summary>
    public static Catalog<Func<IReadOnlyList<OptimizerDimension>, RandomStream, IOptimizer>> Optimizers { get; } =
        new Catalog<Func<IReadOnlyList<OptimizerDimension>, RandomStream, IOptimizer>>("optimizer")
            .Add("random", (dimensions, random) => new RandomSearch(dimensions, random), "uniform random points")
            .Add("lhs", (dimensions, random) => new LatinHypercubeSearch(dimensions, random),
                "successive Latin-hypercube designs")
            .Add("gp", (dimensions, random) => BayesianOptimizer.WithGaussianProcess(dimensions, random),
                "Bayesian optimisation with a Gaussian process")
            .Add("smac", (dimensions, random) => BayesianOptimizer.WithRandomForest(dimensions, random),
                "SMAC-style Bayesian optimisation with a random forest");

    /// <summary>Every optimiser name, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Names => Optimizers.Names;

    /// <summary>
    /// A fresh optimiser over <paramref name="dimensions"/> drawing all its randomness from <paramref name="random"/>.
    /// </summary>
    /// <exception cref="Frugal.Core.Errors.UnknownNameException">The name is not one of <see
    /// cref="Names"/>.</exception>
    public static IOptimizer Create(string name, IReadOnlyList<OptimizerDimension> dimensions, RandomStream random) =>
        Optimizers.Get(name)(dimensions, random);
}
