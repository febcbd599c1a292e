using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;
using MathNet.Numerics.LinearAlgebra.Double;

namespace Frugal.Tuning.Tests.Optimizers;

public class GaussianProcessTests
{
    [Fact]
    public void PosteriorMatchesAHandComputedCase()
    {
        // x = (0, 0.5), y = (1, 3): standardised (mean 2, population sd 1) to (−1, 1). σ² = 1, ℓ = 0.5, σn² = 0.01.
        // k(r) = (1 + √5 r + 5/3 r²) e^{−√5 r}; the training points are r = 1 apart, the test point x* = 1 is r = 2 and
        // 1 away.
        //   k(1) = 4.902735 · 0.106878 = 0.523994;   k(2) = 12.138803 · 0.011423 = 0.138660.
        // K = [[1.01, 0.523994], [0.523994, 1.01]];  y is antisymmetric, so α = K⁻¹ y = y / (1.01 − 0.523994) =
        // (−2.057588, 2.057588).
        //   mean* = k*ᵀ α = (0.523994 − 0.138660) · 2.057588 = 0.792858   → 2 + 1 · 0.792858 = 2.792858.
        // k*ᵀ K⁻¹ k*: split k* = (0.138660, 0.523994) into its symmetric part s = 0.331327 (eigenvalue 1.01 + 0.523994
        // = 1.533994)
        // and antisymmetric part a = 0.192667 (eigenvalue 0.486006): 2 s² / 1.533994 + 2 a² / 0.486006 = 0.143126 +
        // 0.152758 = 0.295884.
        //   var* = σ² − 0.295884 = 0.704116 (times sd² = 1).
        var process =
            new GaussianProcess([[0.0], [0.5]], [1.0, 3.0], new GaussianProcessHyperparameters(1, [0.5], 0.01));

        var (mean, variance) = process.Predict([1.0]);

        Assert.Equal(2.792858, mean, 5);
        Assert.Equal(0.704116, variance, 5);
    }

    [Fact]
    public void PredictionsAreInTheMetricsOwnUnits()
    {
        // Scaling and shifting y scales and shifts the posterior mean and scales the variance by the square.
        double[][] x = [[0.1, 0.2], [0.4, 0.9], [0.8, 0.3], [0.5, 0.5]];
        double[] y = [1, -2, 0.5, 3];
        var hyper = new GaussianProcessHyperparameters(1.3, [0.4, 0.7], 1e-3);
        var plain = new GaussianProcess(x, y, hyper).Predict([0.3, 0.6]);
        var scaled = new GaussianProcess(x, y.Select(v => 10 * v + 7).ToArray(), hyper).Predict([0.3, 0.6]);

        Assert.Equal(10 * plain.Mean + 7, scaled.Mean, 9);
        Assert.Equal(100 * plain.Variance, scaled.Variance, 9);
    }

    [Fact]
    public void KernelIsTheSignalVarianceAtZeroDistanceSymmetricAndDecreasing()
    {
        double[] lengthScales = [0.3, 2.0];
        Assert.Equal(1.7, Matern52Kernel.Covariance([0.2, 0.4], [0.2, 0.4], 1.7, lengthScales), 14);
        Assert.Equal(Matern52Kernel.Covariance([0.1, 0.9], [0.6, 0.2], 1, lengthScales),
            Matern52Kernel.Covariance([0.6, 0.2], [0.1, 0.9], 1, lengthScales));
        var previous = double.PositiveInfinity;
        for (var r = 0.0; r < 5; r += 0.1)
        {
            var k = Matern52Kernel.OfDistance(r, 1);
            Assert.True(k < previous && k > 0);
            previous = k;
        }
        // A long length scale makes its dimension nearly irrelevant (ARD).
        Assert.Equal(1, Matern52Kernel.Covariance([0.5, 0.0], [0.5, 1.0], 1, [0.3, 1e4]), 6);
    }

    [Fact]
    public void GramMatrixIsPositiveSemiDefinite()
    {
        var random = new RandomStream(2);
        var points =
            Enumerable.Range(0, 30).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() })
            .ToArray();
        var gram =
            DenseMatrix.Create(30, 30, (a, b) => Matern52Kernel.Covariance(points[a], points[b], 2, [0.2, 0.5, 1]));

        Assert.True(gram.Evd().EigenValues.All(e => e.Real > -1e-10));
    }

    [Fact]
    public void LikelihoodGradientMatchesFiniteDifferences()
    {
        var random = new RandomStream(8);
        var x = Enumerable.Range(0, 12)
            .Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToArray();
        var y = x.Select(p => Math.Sin(6 * p[0]) + p[1] * p[1]).ToArray();
        var mean = y.Average();
        y = y.Select(v => v - mean).ToArray();
        double[] theta = [Math.Log(0.8), Math.Log(0.3), Math.Log(0.6), Math.Log(2.0), Math.Log(0.05)];

        var (_, gradient) = GaussianProcess.NegativeLogMarginalLikelihood(x, y, theta);

        for (var i = 0; i < theta.Length; i++)
        {
            const double h = 1e-6;
            var up = (double[])theta.Clone();
            var down = (double[])theta.Clone();
            up[i] += h;
            down[i] -= h;
            var numeric =
                (GaussianProcess.NegativeLogMarginalLikelihood(x, y, up).Value
                - GaussianProcess.NegativeLogMarginalLikelihood(x, y, down).Value) / (2 * h);
            Assert.Equal(numeric, gradient[i], 5);
        }
    }

    [Fact]
    public void FittingRaisesTheLikelihoodAndFindsTheIrrelevantDimension()
    {
        var random = new RandomStream(4);
        var x = Enumerable.Range(0, 30).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        var y = x.Select(p => Math.Sin(5 * p[0])).ToArray();

        var fitted = GaussianProcess.Fit(x, y, random);
        var neutral = new GaussianProcess(x, y, GaussianProcessHyperparameters.Default(2));

        Assert.True(fitted.LogMarginalLikelihood > neutral.LogMarginalLikelihood);
        Assert.True(fitted.Hyperparameters.LengthScales[1] > 3 * fitted.Hyperparameters.LengthScales[0],
            $"length scales {string.Join(", ", fitted.Hyperparameters.LengthScales)}");
        var test = Enumerable.Range(0, 50).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        var error = test.Average(p => Math.Pow(fitted.Predict(p).Mean - Math.Sin(5 * p[0]), 2));
        var baseline = test.Average(p => Math.Pow(y.Average() - Math.Sin(5 * p[0]), 2));
        Assert.True(error < 0.01 * baseline, $"GP error {error}, mean-only error {baseline}");
    }

    [Fact]
    public void MismatchedInputsAreRejected()
    {
        Assert.Throws<ArgumentException>(() =>
            new GaussianProcess([[0.0]], [1.0, 2.0], new GaussianProcessHyperparameters(1, [0.5], 0.01)));
        Assert.Throws<ArgumentException>(() =>
            new GaussianProcess([[0.0]], [1.0], new GaussianProcessHyperparameters(1, [0.5, 0.5], 0.01)));
    }
}
