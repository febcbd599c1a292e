using System.Text.Json;
using System.Text.Json.Serialization;
using Frugal.Core.Results;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Evaluation;

/// <summary>What one provisioning run returns, as data: it owns its JSON form, in the house convention
/// (<see cref="ResultJson.Options"/>).</summary>
public abstract record ProvisioningResult
{
    /// <summary>The result as JSON: camelCase, indented, as <c>--json</c> prints it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, GetType(), ResultJson.Options);
}

/// <summary>A whole trace replayed in the simulator, its simulated waits against the real ones (<c>frugal provision
/// simulate</c>).</summary>
/// <param name="Trace">Where the trace came from.</param>
/// <param name="Jobs">Jobs replayed.</param>
/// <param name="SkippedBadLines">Malformed lines skipped while reading.</param>
/// <param name="NeverStarted">Rows of jobs that never started, which a replay cannot use.</param>
/// <param name="Pools">The node pools, as <c>NAME=NODES,...</c>.</param>
/// <param name="Groups">The comparison for all jobs, then per node-count bucket.</param>
public sealed record ReplayValidation(
    string Trace, int Jobs, int SkippedBadLines, int NeverStarted, string Pools, IReadOnlyList<WaitComparison> Groups)
    : ProvisioningResult
{
    /// <summary>Replays <paramref name="trace"/> on <paramref name="pools"/> and compares every job's simulated wait
    /// with its real one.</summary>
    /// <exception cref="Core.Errors.BadInputException">A job has no pool, or is wider than its pool.</exception>
    public static ReplayValidation Run(TraceReadResult trace, NodePools pools, SchedulerOptions? scheduler = null,
        IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        var replay = TraceReplay.Run(trace.Jobs, pools, scheduler, progress, cancellation);
        return new ReplayValidation(trace.Source, trace.Jobs.Count, trace.SkippedBadLines, trace.NeverStarted,
            pools.ToString(), WaitValidation.Compare(trace.Jobs, replay));
    }

    /// <summary>The validation as an experiment result: the overall KS distance and mean waits, and the table per
    /// group.</summary>
    public ExperimentResult ToExperimentResult()
    {
        var all = Groups[0];
        var result = new ExperimentResult("provisioning.replay", "Slurm queue simulator against a trace's real waits")
            .WithParameter("trace", Trace).WithParameter("jobs", Jobs)
            .WithParameter("skipped_bad_lines", SkippedBadLines).WithParameter("never_started", NeverStarted)
            .WithParameter("pool_nodes", Pools)
            .WithMetric("all.ks_distance", all.KsDistance)
            .WithMetric("all.real_mean_wait", all.RealMeanHours, "h")
            .WithMetric("all.sim_mean_wait", all.SimulatedMeanHours, "h");
        result.Records.Add(ProvisioningReport.ValidationTable(Groups));
        return result;
    }
}

/// <summary>One method's chains on the validation period at one load (<c>frugal provision evaluate</c>).</summary>
/// <param name="Trace">Where the trace came from.</param>
/// <param name="Chain">The predecessor/successor pair every sample runs.</param>
/// <param name="Outcome">Every chain's gap.</param>
public sealed record MethodEvaluation(
    string Trace, [property: JsonIgnore] ChainSpec Chain, [property: JsonIgnore] MethodOutcome Outcome)
    : ProvisioningResult
{
    /// <summary>The method's name.</summary>
    public string Method => Outcome.Method;

    /// <summary>The arrival-rate factor (1 is the trace's own load).</summary>
    public double Load => Outcome.Load;

    /// <summary>Chains run, one per validation sample.</summary>
    public int Chains => Outcome.Chains;

    /// <summary>Nodes of each job of the chain.</summary>
    public int ChainNodes => Chain.Nodes;

    /// <summary>Time limit of each job of the chain, in hours.</summary>
    public double ChainHours => Chain.LimitSeconds / 3600.0;

    /// <inheritdoc cref="MethodOutcome.MeanInterruptionHours"/>
    public double MeanInterruptionHours => Outcome.MeanInterruptionHours;

    /// <inheritdoc cref="MethodOutcome.MedianInterruptionHours"/>
    public double MedianInterruptionHours => Outcome.MedianInterruptionHours;

    /// <inheritdoc cref="MethodOutcome.ZeroInterruptionFraction"/>
    public double ZeroInterruptionFraction => Outcome.ZeroInterruptionFraction;

    /// <inheritdoc cref="MethodOutcome.OverlapNodeHours"/>
    public double OverlapNodeHours => Outcome.OverlapNodeHours;

    /// <summary>Every chain's signed gap, in hours (&gt; 0: interruption, &lt; 0: overlap).</summary>
    public double[] GapHours => Outcome.GapHours;

    /// <summary>The evaluation as an experiment result: the method's headline metrics and its row of the methods
    /// table.</summary>
    public ExperimentResult ToExperimentResult()
    {
        var result = new ExperimentResult("provisioning.evaluate",
                "Slurm job chains: one method on the validation period")
            .WithParameter("trace", Trace).WithParameter("method", Method).WithParameter("load", Load)
            .WithParameter("chain_nodes", ChainNodes).WithParameter("chain_limit_h", ChainHours);
        ProvisioningReport.Metrics(result, [Outcome]);
        result.Records.Add(ProvisioningReport.MethodTable([Outcome]));
        return result;
    }
}

/// <summary>A value model trained on the training period's probes (<c>frugal provision train --method
/// forest|gbt</c>).</summary>
/// <param name="Trace">Where the trace came from.</param>
/// <param name="TrainingSamples">Sample starts probed.</param>
/// <param name="TrainingRows">Probe rows, training and held out.</param>
/// <param name="Trained">The model.</param>
public sealed record ValueModelTraining(
    string Trace, int TrainingSamples, int TrainingRows, [property: JsonIgnore] ValueModel Trained)
    : ProvisioningResult
{
    private ModelFit Fit => Trained.Fit ?? throw new InvalidOperationException("a freshly trained model has its fit.");

    /// <summary>The method the model serves.</summary>
    public string Method => Trained.Kind.Name();

    /// <summary>Rows held out to measure the fit.</summary>
    public int HeldOutRows => Fit.HeldOutRows;

    /// <summary>Mean absolute error of the predicted gap on the held-out rows.</summary>
    public double HeldOutMeanAbsoluteErrorHours => Fit.HeldOutMeanAbsoluteErrorHours;

    /// <summary>R² of the predicted gap on the held-out rows.</summary>
    public double HeldOutRSquared => Fit.HeldOutRSquared;

    /// <summary>Where the model was saved, once it is.</summary>
    public string? Model { get; init; }

    /// <summary>Saves the model to <paramref name="path"/> (atomically); the result then names the file.</summary>
    public ValueModelTraining SaveTo(string path)
    {
        Trained.Save(path);
        return this with { Model = path };
    }

    /// <summary>The training as an experiment result: its held-out fit.</summary>
    public ExperimentResult ToExperimentResult() =>
        new ExperimentResult("provisioning.train", "Slurm job chains: a value model trained on probes")
            .WithParameter("trace", Trace).WithParameter("method", Method)
            .WithParameter("training_samples", TrainingSamples).WithParameter("training_rows", TrainingRows)
            .WithMetric("held_out.mae", HeldOutMeanAbsoluteErrorHours, "h")
            .WithMetric("held_out.r_squared", HeldOutRSquared);
}

/// <summary>A REINFORCE policy trained over a frozen value model (<c>frugal provision train --method pg</c>).</summary>
/// <param name="Trace">Where the trace came from.</param>
/// <param name="Episodes">Episodes sampled in all.</param>
/// <param name="Trained">The policy and its rewards update by update.</param>
public sealed record PolicyTraining(string Trace, int Episodes, [property: JsonIgnore] TrainedPolicy Trained)
    : ProvisioningResult
{
    /// <summary>The method the policy serves.</summary>
    public string Method => MethodCatalog.PolicyGradient;

    /// <summary>The kind of the value model whose prediction the policy reads.</summary>
    public string ValueModel => Trained.Policy.Value.Kind.Name();

    /// <summary>Weight of wait, weight of submit, bias of wait, bias of submit.</summary>
    public IReadOnlyList<double> PolicyParameters => Trained.Policy.Parameters;

    /// <inheritdoc cref="PolicyModel.SubmitThresholdHours"/>
    public double SubmitThresholdHours => Trained.Policy.SubmitThresholdHours;

    /// <inheritdoc cref="TrainedPolicy.MeanRewardByUpdate"/>
    public IReadOnlyList<double> MeanRewardByUpdate => Trained.MeanRewardByUpdate;

    /// <summary>Where the policy was saved, once it is.</summary>
    public string? Model { get; init; }

    /// <summary>Saves the policy to <paramref name="path"/> (atomically); the result then names the file.</summary>
    public PolicyTraining SaveTo(string path)
    {
        Trained.Policy.Save(path);
        return this with { Model = path };
    }

    /// <summary>The training as an experiment result: the learned threshold and the first and last updates' mean
    /// reward.</summary>
    public ExperimentResult ToExperimentResult() =>
        new ExperimentResult("provisioning.train", "Slurm job chains: a REINFORCE policy over a value model")
            .WithParameter("trace", Trace).WithParameter("method", Method).WithParameter("value_model", ValueModel)
            .WithParameter("episodes", Episodes)
            .WithMetric("submit_threshold", SubmitThresholdHours, "h")
            .WithMetric("first_update.mean_reward", MeanRewardByUpdate[0])
            .WithMetric("last_update.mean_reward", MeanRewardByUpdate[^1]);
}
