using Frugal.Core.Errors;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Evaluation;

/// <summary>What a study runs: which methods, at which loads, on how many samples.</summary>
public sealed record StudyOptions
{
    /// <summary>The most probes per training sample (each is a simulation; Mirage uses 7).</summary>
    public const int MaxProbesPerSample = 1000;

    /// <summary>The name messages give <see cref="ProbesPerSample"/>.</summary>
    public const string ProbesSetting = "probes per sample";

    /// <summary>The methods evaluated, by name.</summary>
    public IReadOnlyList<string> Methods { get; init; } = MethodCatalog.Names;

    /// <summary>Arrival-rate factors of the validation runs; 1 is the trace's own load.</summary>
    public IReadOnlyList<double> Loads { get; init; } = [1.0];

    /// <summary>How each chain sample is simulated.</summary>
    public EpisodeSettings Episode { get; init; } = new();

    /// <summary>The time between sample starts.</summary>
    public long StrideSeconds { get; init; } = 4 * 3600;

    /// <summary>Probes per training sample.</summary>
    public int ProbesPerSample { get; init; } = TrainingData.DefaultProbesPerSample;

    /// <summary>At most this many training samples; null for every start the period allows.</summary>
    public int? MaxTrainingSamples { get; init; }

    /// <summary>At most this many validation samples; null for every start the period allows.</summary>
    public int? MaxValidationSamples { get; init; }

    /// <summary>How the value models are trained.</summary>
    public ValueModelOptions Model { get; init; } = new();

    /// <summary>The policy gradient reads this value model's predictions (Mirage uses its best value model).</summary>
    public ValueModelKind PolicyValueModel { get; init; } = ValueModelKind.Gbt;

    /// <summary>How the policy is trained.</summary>
    public PolicyGradientOptions PolicyGradient { get; init; } = new();

    /// <summary>The seed of the models' training.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Checks every setting before any work starts.</summary>
    /// <exception cref="BadInputException">A setting is out of range or a method unknown; the message names
    /// it.</exception>
    public void Validate()
    {
        MethodCatalog.CanonicalAll(Methods.ToArray());
        if (Loads.Count == 0)
            throw new BadInputException("a study needs at least one load", EpisodeSettings.LoadSetting);
        foreach (var load in Loads) (Episode with { Load = load }).Validate();
        if (StrideSeconds <= 0)
            throw new BadInputException(
                $"{TimeSplit.StrideSetting}: {StrideSeconds} s is not positive", TimeSplit.StrideSetting);
        if (ProbesPerSample is < 2 or > MaxProbesPerSample)
            throw new BadInputException(
                $"{ProbesSetting}: {ProbesPerSample} is not between 2 and {MaxProbesPerSample}", ProbesSetting);
        if (MaxTrainingSamples is < 1 || MaxValidationSamples is < 1)
            throw new BadInputException(
                $"{TimeSplit.MaxSamplesSetting}: a period needs at least one sample", TimeSplit.MaxSamplesSetting);
        Model.Validate();
        PolicyGradient.Validate();
    }
}

/// <summary>
/// Mirage end to end on one trace: split it by time, generate probe data on the training period,
/// train the learned methods, and evaluate every method on the validation period at each load.
/// Everything the study will need is checked when it is made, before any simulation runs.
/// </summary>
public sealed class ProvisioningStudy
{
    private readonly TraceReadResult _trace;
    private readonly StudyOptions _options;
    private readonly IReadOnlyList<string> _methods;

    /// <exception cref="BadInputException">A setting is out of range, a method unknown, a job has no pool it fits,
    /// or a period holds more than <see cref="TimeSplit.MaxStarts"/> sample starts.</exception>
    public ProvisioningStudy(TraceReadResult trace, StudyOptions options)
    {
        options.Validate();
        options.Episode.Pools.CheckFits(trace.Jobs);
        _trace = trace;
        _options = options;
        _methods = MethodCatalog.CanonicalAll(options.Methods.ToArray());
        Split = TimeSplit.For(trace.Jobs, strideSeconds: options.StrideSeconds);
        TrainingStarts = Split.TrainingStarts(options.Episode.WindowSeconds, options.MaxTrainingSamples);
        ValidationStarts = Split.ValidationStarts(options.Episode.WindowSeconds, options.MaxValidationSamples);
    }

    /// <summary>The trace's split into training and validation periods.</summary>
    public TimeSplit Split { get; }

    /// <summary>The training samples' start times.</summary>
    public IReadOnlyList<long> TrainingStarts { get; }

    /// <summary>The validation samples' start times.</summary>
    public IReadOnlyList<long> ValidationStarts { get; }

    /// <summary>Probes the training period and trains the learned methods among <see cref="StudyOptions.Methods"/>
    /// (pass <paramref name="kinds"/> to choose others).</summary>
    /// <exception cref="BadInputException">The training period holds no sample, or too few probe rows to train
    /// on.</exception>
    public TrainedModels Train(IEnumerable<ValueModelKind>? kinds = null, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        var wanted = (kinds ?? _methods.Select(m => ValueModelKinds.TryParse(m, out var k) ? k : (ValueModelKind?)null)
            .OfType<ValueModelKind>()).ToList();
        var withPolicy = kinds is null && _methods.Contains(MethodCatalog.PolicyGradient);
        if (withPolicy) wanted.Add(_options.PolicyValueModel);
        wanted = wanted.Distinct().ToList();
        if (wanted.Count == 0) return TrainedModels.None;
        var starts = RequireTrainingStarts();
        var episode = new ChainEpisode(_trace.Jobs, _options.Episode with { Load = 1 });
        var probing = withPolicy ? 0.5 : 1.0;
        var rows = TrainingData.Generate(episode, starts, _options.ProbesPerSample, Scaled(progress, 0, probing),
            cancellation);
        var models = wanted.ToDictionary(k => k, k => ValueModel.Train(k, rows, _options.Seed, _options.Model));
        var trained = new TrainedModels(models, starts.Count, rows.Count);
        if (!withPolicy) return trained;
        var policy = TrainPolicyOver(models[_options.PolicyValueModel], Scaled(progress, probing, 1), cancellation);
        return trained with { Policy = policy.Policy };
    }

    /// <summary>Trains one value model (<c>frugal provision train</c>).</summary>
    /// <exception cref="BadInputException">The training period holds no sample, or too few probe rows to train
    /// on.</exception>
    public ValueModelTraining TrainValueModel(ValueModelKind kind, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        var trained = Train([kind], progress, cancellation);
        return new ValueModelTraining(_trace.Source, trained.TrainingSamples, trained.TrainingRows,
            trained.Models[kind]);
    }

    /// <summary>
    /// Trains the policy (<c>frugal provision train --method pg</c>) over <paramref name="value"/>, or,
    /// where it is null, over a <see cref="StudyOptions.PolicyValueModel"/> model trained first.
    /// </summary>
    /// <exception cref="BadInputException">The training period holds no sample, or too few probe rows to train
    /// on.</exception>
    public PolicyTraining TrainPolicy(ValueModel? value, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        var probing = value is null ? 0.5 : 0.0;
        var kind = _options.PolicyValueModel;
        value ??= Train([kind], Scaled(progress, 0, probing), cancellation).Models[kind];
        var trained = TrainPolicyOver(value, Scaled(progress, probing, 1), cancellation);
        var gradient = _options.PolicyGradient;
        return new PolicyTraining(_trace.Source, gradient.Updates * gradient.EpisodesPerUpdate, trained);
    }

    /// <summary>REINFORCE on episodes that start at random training starts, over the frozen <paramref name="value"/>
    /// model.</summary>
    private TrainedPolicy TrainPolicyOver(ValueModel value, IProgress<double>? progress, CancellationToken cancellation)
    {
        var episode = new ChainEpisode(_trace.Jobs, _options.Episode with { Load = 1 });
        var seeds = new SeedTree((ulong)_options.Seed).Child("policy-gradient");
        return PolicyGradientTrainer.Train(episode, RequireTrainingStarts(), value, _options.PolicyGradient, seeds,
            progress, cancellation);
    }

    private IReadOnlyList<long> RequireTrainingStarts() =>
        TrainingStarts.Count > 0
            ? TrainingStarts
            : throw new BadInputException($"{_trace.Source}: the training period is shorter than {OneWindow}");

    private string OneWindow => $"one {_options.Episode.WindowSeconds / 86400}-day sample window";

    private static IProgress<double>? Scaled(IProgress<double>? progress, double from, double to) =>
        progress is null ? null : new SynchronousProgress<double>(f => progress.Report(from + (to - from) * f));

    /// <summary>Every method at every load on the validation period.</summary>
    /// <exception cref="BadInputException">A learned method's model is not among <paramref name="models"/>, or no
    /// validation sample fits the trace.</exception>
    public List<MethodOutcome> Evaluate(TrainedModels models, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        var outcomes = new List<MethodOutcome>();
        var total = _options.Loads.Count * _methods.Count;
        foreach (var load in _options.Loads)
        {
            foreach (var name in _methods)
            {
                var done = (double)outcomes.Count / total;
                outcomes.Add(Run(name, load, models, Scaled(progress, done, done + 1.0 / total), cancellation));
            }
        }
        return outcomes;
    }

    /// <summary>The study's one method at its one load, as a result (<c>frugal provision evaluate</c>).</summary>
    /// <exception cref="InvalidOperationException">The study has several methods or loads (a programming
    /// error).</exception>
    /// <exception cref="BadInputException">The method's model is not among <paramref name="models"/>, or no validation
    /// sample fits the trace.</exception>
    public MethodEvaluation EvaluateOne(TrainedModels models, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        if (_methods.Count != 1 || _options.Loads.Count != 1)
            throw new InvalidOperationException("the study has more than one method or load.");
        var outcome = Run(_methods[0], _options.Loads[0], models, progress, cancellation);
        return new MethodEvaluation(_trace.Source, _options.Episode.Chain, outcome);
    }

    private MethodOutcome Run(string method, double load, TrainedModels models, IProgress<double>? progress,
        CancellationToken cancellation)
    {
        if (ValidationStarts.Count == 0)
            throw new BadInputException($"{_trace.Source}: the validation period is shorter than {OneWindow}");
        var episode = new ChainEpisode(_trace.Jobs, _options.Episode with { Load = load });
        var provisioning = MethodCatalog.Create(method, models);
        return ChainEvaluation.Run(episode, provisioning, ValidationStarts, progress, cancellation);
    }
}
