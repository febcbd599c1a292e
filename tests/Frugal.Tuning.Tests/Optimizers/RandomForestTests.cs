using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;

namespace Frugal.Tuning.Tests.Optimizers;

public class RandomForestTests
{
    [Fact]
    public void FitsAStepFunction()
    {
        // y = 0 left of 0.6 and 5 right of it, the second coordinate pure noise in x.
        var random = new RandomStream(1);
        var x = Enumerable.Range(0, 40).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        var y = x.Select(p => p[0] < 0.6 ? 0.0 : 5.0).ToArray();

        var forest = RandomForest.Fit(x, y, random);

        Assert.Equal(0, forest.Predict([0.2, 0.5]).Mean, 1);
        Assert.Equal(5, forest.Predict([0.9, 0.5]).Mean, 1);
        Assert.True(forest.Predict([0.2, 0.5]).Variance < 0.1, "trees should agree far from the step");
    }

    [Fact]
    public void PredictsBetterThanTheMean()
    {
        var random = new RandomStream(2);
        static double F(double[] p) => Math.Sin(4 * p[0]) + (p[1] - 0.5) * (p[1] - 0.5) + (p[2] > 0.5 ? 1 : 0);
        var x = Enumerable.Range(0, 80)
            .Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToArray();
        var y = x.Select(F).ToArray();
        var forest = RandomForest.Fit(x, y, random);
        var test =
            Enumerable.Range(0, 200)
            .Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToArray();

        var error = test.Average(p => Math.Pow(forest.Predict(p).Mean - F(p), 2));
        var baseline = test.Average(p => Math.Pow(y.Average() - F(p), 2));

        Assert.True(error < 0.3 * baseline, $"forest error {error}, mean-only error {baseline}");
        Assert.True(test.All(p => forest.Predict(p).Variance >= 0));
    }

    [Fact]
    public void VarianceIsTheSpreadOfTheTreePredictions()
    {
        // Without bootstrap every tree sees the same six points and makes the one split min_samples_leaf 3 allows,
        // between
        // 0.2 and 0.8, at a threshold uniform in between. Inside either cluster all trees agree (variance 0); at 0.5
        // about
        // half say 2 and half say 11, so the spread is near 4.5² = 20.25.
        double[][] x = [[0.0], [0.1], [0.2], [0.8], [0.9], [1.0]];
        double[] y = [1, 2, 3, 10, 10, 13];
        var forest = RandomForest.Fit(x, y, new RandomStream(3), new RandomForestOptions(Bootstrap: false));

        Assert.Equal((2, 0), forest.Predict([0.05]));
        Assert.Equal((11, 0), forest.Predict([0.95]));
        var (mean, variance) = forest.Predict([0.5]);
        Assert.InRange(mean, 4, 9);
        Assert.InRange(variance, 12, 20.25);
    }
}
