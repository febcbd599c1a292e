using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Evaluation;

/// <summary>
/// Mirage's headline comparison for <c>frugal reproduce</c>: chains of 48-hour jobs provisioned by
/// every method on the validation period. At full scale it uses the real Lonestar6 trace when
/// data/mirage is present (with the simulator's validation against its real waits), at
/// loads 0.8, 1 and 1.2; otherwise, and at quick scale, a generated trace.
/// </summary>
public sealed class MirageExperiment : IExperiment
{
    /// <summary>The overlap a chain may waste, on average, for its method to count as a success (issue 8's
    /// target).</summary>
    public const double MaxOverlapNodeHours = 1;

    /// <inheritdoc/>
    public string Name => "provisioning.mirage";
    /// <inheritdoc/>
    public string Title => "Slurm job chains: when to submit the successor (Mirage)";
    /// <inheritdoc/>
    public string Description =>
        "Replays a Slurm trace in an event-driven queue simulator (multifactor priority, EASY backfill), injects " +
            "48-hour predecessor/successor chains, " +
        "and compares reactive submission, afterany dependencies, the average-wait heuristic, tree value models " +
            "(FastForest, LightGbm) " +
        "and a REINFORCE policy over the LightGbm model " +
        "on interruption and overlap.";

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context)
    {
        var trace = ReferenceTrace.Load(context.Seeds, context.Quick);
        var quick = context.Quick;
        var options = new StudyOptions
        {
            Loads = quick ? [1.0] : [0.8, 1.0, 1.2],
            StrideSeconds = quick ? 12 * 3600 : 4 * 3600,
            MaxTrainingSamples = quick ? 12 : null,
            MaxValidationSamples = quick ? 6 : null,
            Model = quick ? new Methods.ValueModelOptions { Trees = 30 } : new Methods.ValueModelOptions(),
            PolicyGradient = quick
                ? new Methods.PolicyGradientOptions { Updates = 4, EpisodesPerUpdate = 8 }
                : new Methods.PolicyGradientOptions(),
            Seed = (int)(context.Seeds.SeedOf("models") & int.MaxValue),
        };
        var study = new ProvisioningStudy(trace, options);
        var result = context.NewResult(this)
            .WithParameter("trace", trace.Source)
            .WithParameter("jobs", trace.Jobs.Count)
            .WithParameter("pool_nodes", options.Episode.Pools.ToString())
            .WithParameter("chain_nodes", options.Episode.Chain.Nodes)
            .WithParameter("chain_limit_h", options.Episode.Chain.LimitSeconds / 3600)
            .WithParameter("loads", string.Join(",", options.Loads));

        // Only a real trace has real waits to validate the simulator against; the replay is a third of the work.
        var isReal = ReferenceTrace.IsReal(trace);
        var share = isReal ? 0.3 : 0.0;
        var validation = isReal
            ? ReplayValidation.Run(trace, options.Episode.Pools, cancellation: context.Cancellation)
            : null;
        context.ReportProgress(share);
        var models =
            study.Train(
            progress: new SynchronousProgress<double>(f => context.ReportProgress(share + (1 - share) * 0.5 * f)),
            cancellation: context.Cancellation);
        var outcomes =
            study.Evaluate(models,
            new SynchronousProgress<double>(f => context.ReportProgress(share + (1 - share) * (0.5 + 0.5 * f))),
            context.Cancellation);
        result.WithParameter("training_samples", models.TrainingSamples)
            .WithParameter("training_rows", models.TrainingRows)
            .WithParameter("validation_samples", study.ValidationStarts.Count);

        Headline(result, outcomes, trace.Source);
        ProvisioningReport.Metrics(result, outcomes);
        result.Records.Add(ProvisioningReport.MethodTable(outcomes));
        if (validation is not null) result.Records.Add(ProvisioningReport.ValidationTable(validation.Groups));
        result.Charts.AddRange(ProvisioningReport.Charts(outcomes));
        return result;
    }

    /// <summary>
    /// The headline, first among the metrics (the terminal shows the first few): submitting at once
    /// never interrupts, so the best method is the one with the least mean interruption within the
    /// overlap budget (<see cref="MaxOverlapNodeHours"/>) at the trace's own load, measured against reactive.
    /// </summary>
    internal static void Headline(ExperimentResult result, IReadOnlyList<MethodOutcome> outcomes, string source)
    {
        var atBase = outcomes.Where(o => o.Load == 1).ToList();
        var withinBudget = atBase.Where(o => o.OverlapNodeHours <= MaxOverlapNodeHours).ToList();
        var best = (withinBudget.Count > 0 ? withinBudget : atBase).MinBy(o => o.MeanInterruptionHours)!;
        var reactive = atBase.First(o => o.Method == "reactive");
        var cut = 100 * best.InterruptionCutAgainst(reactive);
        result.Summary = $"{best.Chains} chains on {source}: " +
                         $"least mean interruption with at most {MaxOverlapNodeHours} node-h overlap per chain: " +
                         $"{best.Method} ({best.MeanInterruptionHours:F2} h, {cut:F0}% below reactive's " +
                         $"{reactive.MeanInterruptionHours:F2} h), " +
                         $"{100 * best.ZeroInterruptionFraction:F0}% of its chains uninterrupted, " +
                         $"{best.OverlapNodeHours:F2} node-h overlap per chain.";
        result.WithMetric("best.cut_vs_reactive", cut, "%")
            .WithMetric("best.zero_interruption", 100 * best.ZeroInterruptionFraction, "%")
            .WithMetric("best.overlap", best.OverlapNodeHours, "node-h");
    }
}
