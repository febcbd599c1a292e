using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;

namespace Frugal.Tuning.Tests.Optimizers;

public class OptimizerTests
{
    private static readonly OptimizerDimension[] Plane = [new("x"), new("y")];

    /// <summary>
    /// Runs <paramref name="budget"/> suggest/observe rounds and returns the best observation's point and value.
    /// </summary>
    private static (double[] Point, Observation Best) Minimise(IOptimizer optimizer, Func<double[], Observation> f,
        int budget)
    {
        (double[] Point, Observation Best)? best = null;
        for (var i = 0; i < budget; i++)
        {
            var point = optimizer.Suggest();
            var observation = f(point);
            optimizer.Observe(point, observation);
            if (observation.Feasible && (best is null || observation.Objective < best.Value.Best.Objective))
                best = (point, observation);
        }
        return best ?? throw new InvalidOperationException("no feasible point found");
    }

    private static double ShiftedQuadratic(double[] p) => Math.Pow(p[0] - 0.3, 2) + Math.Pow(p[1] - 0.7, 2);

    /// <summary>
    /// Branin–Hoo on [−5, 10] × [0, 15] rescaled to the unit square; its minimum is 0.397887 (three minimisers).
    /// </summary>
    private static double Branin(double[] p)
    {
        var x = -5 + 15 * p[0];
        var y = 15 * p[1];
        return Math.Pow(y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6, 2)
            + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x) + 10;
    }

    [Fact]
    public void TheCatalogueNamesEveryOptimiserAndRejectsUnknownOnes()
    {
        Assert.Equal(["random", "lhs", "gp", "smac"], OptimizerCatalog.Names);
        foreach (var name in OptimizerCatalog.Names)
            Assert.Equal(name, OptimizerCatalog.Create(name, Plane, new RandomStream(1)).Name);
        var error = Assert.Throws<UnknownNameException>(() => OptimizerCatalog.Create("bohb", Plane,
            new RandomStream(1)));
        Assert.Equal("unknown optimizer 'bohb'; known: random, lhs, gp, smac", error.Message);
    }

    [Theory]
    [InlineData("random", 100, 0.01)]
    [InlineData("lhs", 100, 0.01)]
    [InlineData("gp", 30, 1e-3)]
    // The forest is piecewise constant: on a smooth bowl it homes in more slowly than the GP.
    [InlineData("smac", 50, 0.03)]
    public void FindsTheMinimumOfAShiftedQuadratic(string name, int budget, double tolerance)
    {
        var optimizer = OptimizerCatalog.Create(name, Plane, new RandomStream(7));
        var (_, best) = Minimise(optimizer, p => Observation.Of(ShiftedQuadratic(p)), budget);
        Assert.True(best.Objective < tolerance, $"{name}: best {best.Objective} after {budget}");
    }

    [Fact]
    public void TheGpBeatsRandomSearchOnBraninAndReachesItsMinimum()
    {
        const int budget = 30;
        ulong[] seeds = [1, 2, 3];
        var model =
            seeds.Average(s =>
            Minimise(OptimizerCatalog.Create("gp", Plane, new RandomStream(s)), p => Observation.Of(Branin(p)), budget)
            .Best.Objective);
        var random =
            seeds.Average(s =>
            Minimise(OptimizerCatalog.Create("random", Plane, new RandomStream(s)), p =>
            Observation.Of(Branin(p)), budget).Best.Objective);

        Assert.True(model < random, $"gp averaged {model}, random search {random}");
        Assert.True(model < 0.397887 + 0.05, $"gp averaged {model}");
    }

    [Fact]
    public void TheGpBeatsRandomSearchInFourDimensions()
    {
        OptimizerDimension[] box = [new("a"), new("b"), new("c"), new("d")];
        static double Bowl(double[] p) => p.Select((x, i) => (i + 1) * Math.Pow(x - 0.2 * (i + 1), 2)).Sum();
        ulong[] seeds = [1, 2, 3];
        var model =
            seeds.Average(s =>
            Minimise(OptimizerCatalog.Create("gp", box, new RandomStream(s)), p => Observation.Of(Bowl(p)), 40)
            .Best.Objective);
        var random =
            seeds.Average(s =>
            Minimise(OptimizerCatalog.Create("random", box, new RandomStream(s)), p => Observation.Of(Bowl(p)), 40)
            .Best.Objective);

        Assert.True(model < 0.1 * random, $"gp averaged {model}, random search {random}");
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("smac")]
    public void ModelBasedOptimisersBeatRandomSearchOnAMixedKnobSpace(string name)
    {
        // Eight knobs, every third one discrete with five levels; four matter (one through a threshold, as switches
        // do).
        var box = Enumerable.Range(0, 8).Select(i => new OptimizerDimension($"k{i}", i % 3 == 2 ? 5 : 0)).ToArray();
        static double Cost(double[] p) =>
            3 * Math.Pow(p[0] - 0.7, 2) + 2 * Math.Abs(p[2] - 0.75) + Math.Pow(p[4] - 0.2, 2) + (p[5] > 0.6 ? 0 : 0.5);
        const int budget = 50;
        ulong[] seeds = [1, 2, 3];
        var model =
            seeds.Average(s =>
            Minimise(OptimizerCatalog.Create(name, box, new RandomStream(s)), p => Observation.Of(Cost(p)), budget)
            .Best.Objective);
        var random =
            seeds.Average(s =>
            Minimise(OptimizerCatalog.Create("random", box, new RandomStream(s)), p => Observation.Of(Cost(p)), budget)
            .Best.Objective);

        Assert.True(model < 0.5 * random, $"{name} averaged {model}, random search {random}");
    }

    [Theory]
    [InlineData("gp", 35)]
    [InlineData("smac", 60)]
    public void ConstrainedSearchEndsFeasibleNearTheConstrainedOptimum(string name, int budget)
    {
        // Minimise (x − 0.8)² + (y − 0.8)² subject to x + y − 1 ≤ 0: the optimum sits on the boundary at (0.5, 0.5),
        // value 0.18.
        var optimizer = OptimizerCatalog.Create(name, Plane, new RandomStream(3));
        var (point, best) = Minimise(optimizer,
            p => new Observation(Math.Pow(p[0] - 0.8, 2) + Math.Pow(p[1] - 0.8, 2), [p[0] + p[1] - 1]), budget);

        Assert.True(best.Feasible);
        var tolerance = name == "gp" ? 0.01 : 0.04;
        Assert.True(best.Objective < 0.18 + tolerance,
            $"{name}: best feasible {best.Objective} at ({point[0]}, {point[1]})");
    }

    [Fact]
    public void WithoutAnyFeasiblePointTheGpHeadsForTheFeasibleRegion()
    {
        // Only the corner x, y ≥ 0.9 is feasible and the initial design is skipped: the first model-based suggestions
        // must maximise the probability of feasibility.
        var optimizer = BayesianOptimizer.WithGaussianProcess(Plane, new RandomStream(5),
            BayesianOptimizer.GaussianProcessDefaults with { InitialDesign = 0 });
        double[][] start = [[0.1, 0.1], [0.5, 0.2], [0.2, 0.6], [0.6, 0.6]];
        foreach (var p in start)
            optimizer.Observe(p, new Observation(0, [Math.Max(0.9 - p[0], 0.9 - p[1])]));

        var feasibleWithin = Enumerable.Range(0, 10).TakeWhile(_ =>
        {
            var p = optimizer.Suggest();
            var observation = new Observation(0, [Math.Max(0.9 - p[0], 0.9 - p[1])]);
            optimizer.Observe(p, observation);
            return !observation.Feasible;
        }).Count();
        Assert.True(feasibleWithin < 10);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("lhs")]
    [InlineData("gp")]
    [InlineData("smac")]
    public void DiscreteDimensionsAreAlwaysSuggestedOnTheirGrid(string name)
    {
        OptimizerDimension[] box = [new("flag", 2), new("workers", 5), new("ratio"), new("mode", 3)];
        var optimizer = OptimizerCatalog.Create(name, box, new RandomStream(9));
        for (var i = 0; i < 20; i++)
        {
            var p = optimizer.Suggest();
            Assert.Equal(box.Length, p.Length);
            Assert.All(p, x => Assert.InRange(x, 0, 1));
            foreach (var d in new[] { 0, 1, 3 })
                Assert.Equal(Math.Round(p[d] * (box[d].Levels - 1)), p[d] * (box[d].Levels - 1), 9);
            // Best at workers level 3 and mode level 0.
            optimizer.Observe(p, Observation.Of(Math.Abs(p[1] * 4 - 3) + p[3] + Math.Abs(p[2] - 0.4)));
        }
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("smac")]
    public void SuggestionsAreAFunctionOfTheSeed(string name)
    {
        double[][] Run()
        {
            var optimizer = OptimizerCatalog.Create(name, Plane, new RandomStream(21));
            return [.. Enumerable.Range(0, 14).Select(_ =>
            {
                var p = optimizer.Suggest();
                optimizer.Observe(p, Observation.Of(ShiftedQuadratic(p)));
                return p;
            })];
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void ObservationsThatDoNotFitTheBoxAreRejected()
    {
        var optimizer = OptimizerCatalog.Create("gp", Plane, new RandomStream(1));
        Assert.Throws<ArgumentException>(() => optimizer.Observe([0.5], Observation.Of(1)));
        Assert.Throws<ArgumentException>(() => optimizer.Observe([0.5, 1.5], Observation.Of(1)));
        Assert.Throws<ArgumentException>(() => optimizer.Observe([0.5, 0.5], Observation.Of(double.NaN)));
        optimizer.Observe([0.5, 0.5], new Observation(1, [0.2]));
        var error = Assert.Throws<ArgumentException>(() => optimizer.Observe([0.5, 0.2], Observation.Of(1)));
        Assert.Contains("constraints", error.Message);
    }
}
