using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Spaces;
using MathNet.Numerics.Distributions;

namespace Frugal.Tuning.Targets.Synthetic;

/// <summary>
/// A <see cref="SyntheticFunction"/> as a target: instant trials with a known optimum, for tests and for checking
/// optimisers. It reports <c>score</c> (maximised) and <c>regret</c> (optimum − noiseless score).
/// </summary>
internal sealed class SyntheticTarget : ITuningTarget
{
    private readonly Normal _noise;

    /// <param name="options">Only <see cref="TargetOptions.Workload"/> (the function) applies.</param>
    /// <param name="seeds">Where the observation noise comes from.</param>
    /// <exception cref="BadInputException">A workload setting other than the function is set, or the function is
    /// unknown.</exception>
    public SyntheticTarget(TargetOptions options, SeedTree seeds)
    {
        (object? Value, string Setting)[] inapplicable =
        [
            (options.DurationSeconds, TargetOptions.DurationSetting),
            (options.WarmupSeconds, TargetOptions.WarmupSetting),
            (options.Clients, TargetOptions.ClientsSetting),
            (options.Scale, TargetOptions.ScaleSetting),
        ];
        if (inapplicable.FirstOrDefault(o => o.Value is not null).Setting is { } setting)
            throw new BadInputException(
                $"the synthetic target has no {setting} setting: it takes only a workload (the function)", setting);
        Function = SyntheticFunction.Parse(options.Workload ?? SyntheticFunction.DefaultName);
        _noise = new Normal(0, 1, seeds.Stream("noise"));
    }

    public SyntheticFunction Function { get; }

    public string Name => "synthetic";

    public TargetObjective Objective { get; } = new("score", Maximize: true, ["score", "regret"]);

    private IReadOnlyDictionary<string, object>? _applied;

    public string? Apply(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation)
    {
        var missing = Function.EffectiveKnobs.FirstOrDefault(k => !configuration.ContainsKey(k));
        if (missing is not null)
            throw new BadInputException(
                $"the synthetic function '{Function.Name}' needs knob '{missing}', which the space lacks",
                SearchSpace.Setting);
        if (Function.Crashes(configuration)) return "synthetic crash: a log-scale knob in the top 3% of its range";
        _applied = configuration;
        return null;
    }

    public TrialMeasurement Measure(CancellationToken cancellation)
    {
        var configuration = _applied ?? throw new InvalidOperationException("no configuration applied yet");
        var score = Function.Score(configuration);
        var observed = Function.Noise > 0 ? score * (1 + Function.Noise * _noise.Sample()) : score;
        return TrialMeasurement.Succeeded(new Dictionary<string, double>
        {
            ["score"] = observed,
            ["regret"] = Function.Optimum - score,
        });
    }

    public void Dispose()
    {
    }
}
