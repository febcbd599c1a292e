using Frugal.Tuning.Optimizers;

namespace Frugal.Tuning.Tests.Optimizers;

public class ExpectedImprovementTests
{
    [Theory]
    // μ = η: EI = σ φ(0) = 1/√(2π).
    [InlineData(0, 1, 0, 0.3989422804014327)]
    // z = 1: Φ(1) + φ(1) = 0.8413447461 + 0.2419707245.
    [InlineData(0, 1, 1, 1.0833154705876864)]
    // μ = 1, σ = 2, η = 0: z = −0.5, 2 (−0.5 Φ(−0.5) + φ(−0.5)) = 2 (−0.5 · 0.3085375387 + 0.3520653268).
    [InlineData(1, 2, 0, 0.39559311480261217)]
    public void MatchesTheClosedForm(double mean, double deviation, double incumbent, double expected)
    {
        Assert.Equal(expected, ExpectedImprovement.Value(mean, deviation, incumbent), 12);
        Assert.Equal(Math.Log(expected), ExpectedImprovement.Log(mean, deviation, incumbent), 10);
    }

    [Fact]
    public void MatchesMonteCarloIntegration()
    {
        // E[max(η − f, 0)] by the midpoint rule over ±10 σ.
        const double mean = 0.3, deviation = 0.7, incumbent = 0.1;
        var sum = 0.0;
        const int steps = 200_000;
        for (var i = 0; i < steps; i++)
        {
            var z = -10 + 20 * (i + 0.5) / steps;
            sum += Math.Max(incumbent - (mean + deviation * z), 0) * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI) * 20
                / steps;
        }
        Assert.Equal(sum, ExpectedImprovement.Value(mean, deviation, incumbent), 8);
    }

    [Fact]
    public void LogFormStaysFiniteAndOrderedFarFromTheIncumbent()
    {
        // Either side of z = −20 the direct form and the series agree; far beyond, plain EI underflows while the log
        // keeps decreasing.
        Assert.Equal(Math.Log(ExpectedImprovement.Value(19.99, 1, 0)), ExpectedImprovement.Log(19.99, 1, 0), 6);
        Assert.Equal(Math.Log(ExpectedImprovement.Value(20.01, 1, 0)), ExpectedImprovement.Log(20.01, 1, 0), 6);
        Assert.Equal(0, ExpectedImprovement.Value(60, 1, 0));
        var far = ExpectedImprovement.Log(60, 1, 0);
        var farther = ExpectedImprovement.Log(70, 1, 0);
        Assert.True(double.IsFinite(far) && double.IsFinite(farther) && farther < far);
    }

    [Fact]
    public void ProbabilityOfFeasibilityIsTheNormalCdfAtMinusMeanOverDeviation()
    {
        Assert.Equal(Math.Log(0.5), ExpectedImprovement.LogProbabilityFeasible(0, 3), 12);
        Assert.Equal(Math.Log(0.8413447460685429), ExpectedImprovement.LogProbabilityFeasible(-1, 1), 10);
        // Φ(−6) = 9.8658765e-10; Φ(−25) = 3.0567e-138 (series branch).
        Assert.Equal(Math.Log(9.865876450377e-10), ExpectedImprovement.LogProbabilityFeasible(6, 1), 8);
        Assert.Equal(Math.Log(3.056696706382e-138), ExpectedImprovement.LogProbabilityFeasible(25, 1), 6);
        Assert.True(double.IsFinite(ExpectedImprovement.LogProbabilityFeasible(100, 1)));
    }
}
