using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Synthetic;
using Frugal.Core.Randomness;

namespace Frugal.Tuning.Tests.Comparison;

/// <summary>The model-based optimisers under LlamaTune; skipped until they are in the catalogue (they land on another branch).</summary>
public sealed class ModelOptimizerTests
{
    [SkippableTheory]
    [InlineData("llamatune-smac")]
    [InlineData("llamatune-gp")]
    [InlineData("smac")]
    public void ModelBasedMethodsRunOnTheSyntheticSurfaceAndResumeIdentically(string method)
    {
        Skip.IfNot(OptimizerCatalog.Names.Contains(method.Split('-')[^1]), $"optimizer '{method}' is not in this build");
        using var target = new SyntheticTarget(new TargetOptions(Workload: "sparse-30"), new SeedTree(1));
        var plan = new TuningPlan("synthetic", target.Function.Space, TuningMethod.Parse(method), 20, 5);
        var first = Tuner.Run(target, plan);
        var second = Tuner.Run(target, plan);
        Assert.Equal(first.Trials.Select(t => t.Configuration), second.Trials.Select(t => t.Configuration));
        Assert.True(first.Best.Metrics["regret"] < first.Default.Metrics["regret"]);
    }
}
