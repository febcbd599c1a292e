using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Results;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision evaluate</c>: one method's chains on the validation period.</summary>
public sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : ChainSettings
    {
        [CommandOption("--method <NAME>")]
        [Description("reactive, dependency, avg-wait, forest, gbt or pg (required).")]
        public string? Method { get; init; }

        [CommandOption("--model <FILE>")]
        [Description("forest/gbt/pg: the model saved by provision train; without it the model is trained first on the training period.")]
        public string? Model { get; init; }

        [CommandOption("--load <FACTOR>")]
        [Description("Arrival-rate factor of the replayed jobs (default 1, the trace's own load).")]
        [DefaultValue(1.0)]
        public double Load { get; init; } = 1;

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            if (string.IsNullOrEmpty(Method)) return ValidationResult.Error($"--method: name a method ({string.Join(", ", MethodCatalog.Names)}).");
            if (!(Load > 0) || !double.IsFinite(Load)) return ValidationResult.Error($"--load: {Load} must be a positive number.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var method = settings.Method!;
        if (!MethodCatalog.Names.Contains(method)) throw new UsageException(new UnknownMethodException(method).Message);
        var (jobs, source, _, _) = settings.LoadTrace();
        var study = InputErrors.AsUsage(() => new ProvisioningStudy(jobs, settings.Study([method], [settings.Load])));
        var models = TrainedModels.None;
        if (MethodCatalog.IsLearned(method))
            models = settings.Model is { } path
                ? InputErrors.AsUsage(() => Load(method, path))
                : ProvisionView.WithProgress(console, settings, $"{method}: training on {study.TrainingStarts.Count} samples of {source}",
                    progress => InputErrors.AsUsage(() => study.Train(progress: progress, cancellation: cancellation)));
        var outcome = ProvisionView.WithProgress(console, settings, $"{method}: {study.ValidationStarts.Count} validation chains at load {settings.Load.ToString(CultureInfo.InvariantCulture)}",
            progress => InputErrors.AsUsage(() => study.Evaluate(models, progress, cancellation)))[0];
        if (!settings.JsonOnConsole) ProvisionView.Outcome(console, outcome, source);
        var json = new
        {
            method = outcome.Method, trace = source, load = outcome.Load, chains = outcome.Chains, chainNodes = settings.ChainNodes, chainHours = settings.ChainHours,
            meanInterruptionHours = outcome.MeanInterruptionHours, medianInterruptionHours = outcome.MedianInterruptionHours,
            zeroInterruptionFraction = outcome.ZeroInterruptionFraction, overlapNodeHours = outcome.OverlapNodeHours, gapHours = outcome.GapHours,
        };
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(json, ResultJson.Options));
        return ExitCodes.Success;
    }

    /// <summary>A saved value model or policy.</summary>
    /// <exception cref="ArgumentException">A value model of the other kind.</exception>
    private static TrainedModels Load(string method, string path)
    {
        if (method == MethodCatalog.PolicyGradient) return TrainedModels.None with { Policy = PolicyModel.Load(path) };
        var model = ValueModel.Load(path);
        if (ValueModelKinds.TryParse(method, out var kind) && model.Kind != kind)
            throw new ArgumentException($"method '{method}' was given a '{model.Kind.Name()}' model.");
        return new TrainedModels(new Dictionary<ValueModelKind, ValueModel> { [model.Kind] = model }, 0, 0);
    }
}
