using System.ComponentModel;
using Frugal.Cli.Rendering;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision train</c>: probes the training period and saves a value model or a policy.</summary>
internal sealed class TrainCommand(IAnsiConsole console) : SettingCommand<TrainCommand.Settings>
{
    public sealed class Settings : ChainSettings
    {
        [CommandOption("--method <NAME>")]
        [Description(
            "The learned method to train: forest (FastForest), gbt (LightGbm) or pg (REINFORCE over a gbt value " +
            "model). Default gbt.")]
        [DefaultValue("gbt")]
        public string Method { get; init; } = "gbt";

        [CommandOption("--model <FILE>")]
        [Description("Where to save the model (required; its folder must exist).")]
        public string? Model { get; init; }

        [CommandOption("--value-model <FILE>")]
        [Description(
            "pg: the frozen value model (saved by train --method gbt or forest); without it a gbt model is trained " +
            "first.")]
        public string? ValueModel { get; init; }

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            if (string.IsNullOrEmpty(Model)) return ValidationResult.Error(
                "--model: name the file to save the model to.");
            // Checked now, not after minutes of training.
            if (Path.GetDirectoryName(Path.GetFullPath(Model)) is { } folder && !Directory.Exists(folder))
                return ValidationResult.Error($"--model: the folder '{folder}' does not exist.");
            if (MethodCatalog.Baselines.Contains(Method, StringComparer.OrdinalIgnoreCase))
                return ValidationResult.Error(
                    $"--method: '{Method}' is not a learned method; train forest, gbt or pg " +
                    $"({string.Join(", ", MethodCatalog.Baselines)} need no training).");
            return ValidationResult.Success();
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var options = settings.Study([settings.Method], [1.0]);
        var method = MethodCatalog.Canonical(settings.Method);
        var isPolicy = method == MethodCatalog.PolicyGradient;
        var value = isPolicy && settings.ValueModel is { } path ? ValueModel.Load(path) : null;
        var trace = settings.LoadTrace(console, cancellation);
        var study = new ProvisioningStudy(trace, options);
        ValueModelKinds.TryParse(method, out var kind);
        ProvisioningResult result = isPolicy
            ? ProvisionView.WithProgress(console, settings,
                    $"pg: {settings.PgUpdates} updates of {settings.PgEpisodes} episodes on {trace.Source}",
                    progress => study.TrainPolicy(value, progress, cancellation))
                .SaveTo(settings.Model!)
            : ProvisionView.WithProgress(console, settings,
                    $"{method}: probing {study.TrainingStarts.Count} training samples of {trace.Source}",
                    progress => study.TrainValueModel(kind, progress, cancellation))
                .SaveTo(settings.Model!);
        if (!settings.JsonOnConsole) ProvisionView.Training(console, result);
        JsonOutput.Emit(console, settings, result.ToJson());
        return ExitCodes.Success;
    }
}
