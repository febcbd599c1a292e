using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision evaluate</c>: one method's chains on the validation period.</summary>
internal sealed class EvaluateCommand(IAnsiConsole console) : SettingCommand<EvaluateCommand.Settings>
{
    public sealed class Settings : ChainSettings
    {
        [CommandOption("--method <NAME>")]
        [Description("reactive, dependency, avg-wait, forest, gbt or pg (required).")]
        public string? Method { get; init; }

        [CommandOption("--model <FILE>")]
        [Description(
            "forest/gbt/pg: the model saved by provision train; without it the model is trained first on the " +
            "training period.")]
        public string? Model { get; init; }

        [CommandOption("--load <FACTOR>")]
        [Description("Arrival-rate factor of the replayed jobs, above 0 and at most 10 " +
                     "(default 1, the trace's own load).")]
        [DefaultValue(1.0)]
        public double Load { get; init; } = 1;

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            if (string.IsNullOrEmpty(Method)) return ValidationResult.Error(
                $"--method: name a method ({string.Join(", ", MethodCatalog.Names)}).");
            if (!(Load > 0 && Load <= EpisodeSettings.MaxLoad))
                return ValidationResult.Error($"--load: {Load.ToString(CultureInfo.InvariantCulture)} " +
                                              $"is not a factor above 0 and at most {EpisodeSettings.MaxLoad}.");
            return ValidationResult.Success();
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var options = settings.Study([settings.Method!], [settings.Load]);
        var method = MethodCatalog.Canonical(settings.Method!);
        var saved = settings.Model is { } path ? TrainedModels.Load(method, path) : null;
        var trace = settings.LoadTrace(console, cancellation);
        var study = new ProvisioningStudy(trace, options);
        var models = saved ?? (MethodCatalog.IsLearned(method)
            ? ProvisionView.WithProgress(console, settings,
                $"{method}: training on {study.TrainingStarts.Count} samples of {trace.Source}",
                progress => study.Train(progress: progress, cancellation: cancellation))
            : TrainedModels.None);
        var evaluation = ProvisionView.WithProgress(console, settings,
            $"{method}: {study.ValidationStarts.Count} validation chains " +
            $"at load {settings.Load.ToString(CultureInfo.InvariantCulture)}",
            progress => study.EvaluateOne(models, progress, cancellation));
        if (!settings.JsonOnConsole) ProvisionView.Evaluation(console, evaluation);
        JsonOutput.Emit(console, settings, evaluation.ToJson());
        return ExitCodes.Success;
    }
}
