using Frugal.Core.Randomness;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Tests;

/// <summary>Mirage's claims, in shape, on small seeded generated traces (seconds, not the paper's scale).</summary>
public sealed class InShapeTests
{
    /// <summary>A generated 36-day trace: its last fifth holds five validation samples 12 h apart.</summary>
    private static ProvisioningStudy Study(double utilisation, string[] methods,
        PolicyGradientOptions? policyGradient = null)
    {
        var shape = new SyntheticTraceOptions { Days = 36, TargetUtilisation = utilisation };
        var jobs = SyntheticTrace.Generate(shape, new SeedTree(42).Child("trace"));
        return new ProvisioningStudy(new TraceReadResult(jobs, ReferenceTrace.GeneratedSource, 0, 0), new StudyOptions
        {
            Methods = methods,
            StrideSeconds = 12 * 3600,
            MaxTrainingSamples = 12,
            Model = new ValueModelOptions { Trees = 30 },
            PolicyGradient = policyGradient ?? new PolicyGradientOptions(),
            Seed = 7,
        });
    }

    [Fact]
    public void TheLearnedMethodInterruptsLessThanReactiveWithinTheOverlapBudget()
    {
        // A queue near saturation: reactive submission leaves the successor waiting many hours.
        var study = Study(1.0, ["reactive", "gbt"]);
        var outcomes = study.Evaluate(study.Train());
        var reactive = outcomes.Single(o => o.Method == "reactive");
        var gbt = outcomes.Single(o => o.Method == "gbt");
        Assert.True(reactive.MeanInterruptionHours > 1,
            $"reactive's {reactive.MeanInterruptionHours} h: the trace is meant to be busy");
        Assert.True(gbt.MeanInterruptionHours < reactive.MeanInterruptionHours / 2,
            $"gbt {gbt.MeanInterruptionHours} h against reactive's {reactive.MeanInterruptionHours} h");
        Assert.True(gbt.OverlapNodeHours <= MirageExperiment.MaxOverlapNodeHours,
            $"gbt wastes {gbt.OverlapNodeHours} node-h per chain");
    }

    [Fact]
    public void PolicyGradientTrainingLowersTheLossAndLearnsToWaitWhileOverlapIsPredicted()
    {
        // A lightly loaded queue: a successor starts at once, so submitting early only overlaps.
        // The batch baseline judges each episode against its peers (Mirage's own baseline never
        // penalises submitting at the first decision, which is what an untrained policy mostly does).
        var options = new PolicyGradientOptions
        {
            Updates = 20, EpisodesPerUpdate = 8, LearningRate = 0.05, Baseline = PolicyBaseline.Batch,
        };
        var study = Study(0.6, ["gbt"], options);
        var value = study.Train().Models[ValueModelKind.Gbt];
        var training = study.TrainPolicy(value);

        // The loss is −reward: the last updates' episodes overlap far less than the first ones'.
        var rewards = training.MeanRewardByUpdate;
        Assert.Equal(options.Updates, rewards.Count);
        Assert.True(rewards.TakeLast(5).Average() > rewards.Take(5).Average() / 4, string.Join(", ", rewards));
        // Untrained, the policy submits with probability ½ whatever the prediction; trained, it waits
        // while the value model predicts a long overlap and submits once it predicts an interruption.
        var policy = training.Trained.Policy;
        Assert.True(policy.SubmitProbability(-20) < 0.1, $"p(submit | -20 h) = {policy.SubmitProbability(-20)}");
        Assert.True(policy.SubmitProbability(5) > 0.5, $"p(submit | 5 h) = {policy.SubmitProbability(5)}");
        Assert.InRange(training.SubmitThresholdHours, -5, 5);
        Assert.Equal(training.SubmitThresholdHours, training.ToExperimentResult().Metric("submit_threshold").Value);
    }
}
