using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Evaluation;

/// <summary>What a study runs: which methods, at which loads, on how many samples.</summary>
public sealed record StudyOptions
{
    public IReadOnlyList<string> Methods { get; init; } = MethodCatalog.Names.ToArray();

    /// <summary>Arrival-rate factors of the validation runs; 1 is the trace's own load.</summary>
    public IReadOnlyList<double> Loads { get; init; } = [1.0];

    public EpisodeSettings Episode { get; init; } = new();
    public long StrideSeconds { get; init; } = 4 * 3600;
    public int ProbesPerSample { get; init; } = TrainingData.DefaultProbesPerSample;

    /// <summary>At most this many training (validation) samples; null for every start the period allows.</summary>
    public int? MaxTrainingSamples { get; init; }
    public int? MaxValidationSamples { get; init; }

    public ValueModelOptions Model { get; init; } = new();

    /// <summary>The policy gradient reads this value model's predictions (Mirage uses its best value model).</summary>
    public ValueModelKind PolicyValueModel { get; init; } = ValueModelKind.Gbt;

    public PolicyGradientOptions PolicyGradient { get; init; } = new();
    public int Seed { get; init; } = 42;
}

/// <summary>Models trained for a study, and the training rows they came from.</summary>
public sealed record TrainedModels(IReadOnlyDictionary<ValueModelKind, ValueModel> Models, int TrainingSamples, int TrainingRows)
{
    public PolicyModel? Policy { get; init; }

    public static TrainedModels None { get; } = new(new Dictionary<ValueModelKind, ValueModel>(), 0, 0);
}

/// <summary>
/// Mirage end to end on one trace: split it by time, generate probe data on the training period,
/// train the learned methods, and evaluate every method on the validation period at each load.
/// </summary>
public sealed class ProvisioningStudy(IReadOnlyList<SlurmJob> trace, StudyOptions options)
{
    public TimeSplit Split { get; } = TimeSplit.For(trace, strideSeconds: options.StrideSeconds);

    public IReadOnlyList<long> TrainingStarts => Split.TrainingStarts(options.Episode.WindowSeconds, options.MaxTrainingSamples);

    public IReadOnlyList<long> ValidationStarts => Split.ValidationStarts(options.Episode.WindowSeconds, options.MaxValidationSamples);

    /// <summary>Probes the training period and trains the learned methods among <see cref="StudyOptions.Methods"/> (pass <paramref name="kinds"/> to choose others).</summary>
    public TrainedModels Train(IEnumerable<ValueModelKind>? kinds = null, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        var wanted = (kinds ?? options.Methods.Select(m => ValueModelKinds.TryParse(m, out var k) ? k : (ValueModelKind?)null).OfType<ValueModelKind>()).ToList();
        var withPolicy = kinds is null && options.Methods.Contains(MethodCatalog.PolicyGradient);
        if (withPolicy) wanted.Add(options.PolicyValueModel);
        wanted = wanted.Distinct().ToList();
        if (wanted.Count == 0) return TrainedModels.None;
        var starts = TrainingStarts;
        if (starts.Count == 0) throw new ArgumentException("the trace's training period is shorter than one sample window.");
        var episode = new ChainEpisode(trace, options.Episode with { Load = 1 });
        var probing = withPolicy ? 0.5 : 1.0;
        var rows = TrainingData.Generate(episode, starts, options.ProbesPerSample, Scaled(progress, 0, probing), cancellation);
        var models = wanted.ToDictionary(k => k, k => ValueModel.Train(k, rows, options.Seed, options.Model));
        var trained = new TrainedModels(models, starts.Count, rows.Count);
        return withPolicy ? trained with { Policy = TrainPolicy(models[options.PolicyValueModel], Scaled(progress, probing, 1), cancellation) } : trained;
    }

    /// <summary>REINFORCE on episodes that start at random training starts, over the frozen <paramref name="value"/> model.</summary>
    public PolicyModel TrainPolicy(ValueModel value, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        var episode = new ChainEpisode(trace, options.Episode with { Load = 1 });
        var seeds = new Core.Randomness.SeedTree((ulong)options.Seed).Child("policy-gradient");
        return PolicyGradientTrainer.Train(episode, TrainingStarts, value, options.PolicyGradient, seeds, progress, cancellation);
    }

    private static IProgress<double>? Scaled(IProgress<double>? progress, double from, double to) =>
        progress is null ? null : new Core.Experiments.SynchronousProgress<double>(f => progress.Report(from + (to - from) * f));

    /// <summary>Every method at every load on the validation period.</summary>
    public List<MethodOutcome> Evaluate(TrainedModels models, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        var starts = ValidationStarts;
        var outcomes = new List<MethodOutcome>();
        var total = options.Loads.Count * options.Methods.Count;
        foreach (var load in options.Loads)
        {
            var episode = new ChainEpisode(trace, options.Episode with { Load = load });
            foreach (var name in options.Methods)
            {
                ValueModel? model = null;
                if (ValueModelKinds.TryParse(name, out var kind) && !models.Models.TryGetValue(kind, out model))
                    throw new ArgumentException($"method '{name}' needs a trained model.");
                var offset = outcomes.Count;
                outcomes.Add(ChainEvaluation.Run(episode, MethodCatalog.Create(name, model, models.Policy), starts,
                    progress is null ? null : new Core.Experiments.SynchronousProgress<double>(f => progress.Report((offset + f) / total)), cancellation));
            }
        }
        return outcomes;
    }
}
