using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Energy.Experiments;

namespace Frugal.Energy.Tests;

public sealed class ExperimentTests
{
    [Fact]
    public void QuickExperimentReportsRegretViolationsAndTheScatter()
    {
        var context = new ExperimentContext(new SeedTree(42).Child("energy.polythrottle"), quick: true);
        var result = new PolyThrottleExperiment().Run(context);
        Assert.Equal(2, result.Table("cases").Rows.Count);
        Assert.Contains(result.Charts, c => c.Name == "regret");
        Assert.Contains(result.Charts, c => c.Name == "scatter-vision-50");
        var front = result.Charts.Single(c => c.Name == "scatter-vision-100").Series
            .Single(s => s.Name == "feasible front");
        Assert.All(front.X, l => Assert.True(l <= 100));
        Assert.Equal(0.1462, front.Y.Min(), 4);
        Assert.True(result.Metric("vision-100-20.median_regret").Value <= 5);
    }
}
