using System.ComponentModel;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Results;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision train</c>: probes the training period and saves a value model.</summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainCommand.Settings>
{
    public sealed class Settings : ChainSettings
    {
        [CommandOption("--method <NAME>")]
        [Description("The learned method to train: forest (FastForest) or gbt (LightGbm). Default gbt.")]
        [DefaultValue("gbt")]
        public string Method { get; init; } = "gbt";

        [CommandOption("--model <FILE>")]
        [Description("Where to save the model (required).")]
        public string? Model { get; init; }

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            if (string.IsNullOrEmpty(Model)) return ValidationResult.Error("--model: name the file to save the model to.");
            if (!ValueModelKinds.TryParse(Method, out _))
                return ValidationResult.Error($"--method: '{Method}' is not a learned method; train forest or gbt ({string.Join(", ", MethodCatalog.Baselines)} need no training).");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        ValueModelKinds.TryParse(settings.Method, out var kind);
        var (jobs, source, _, _) = settings.LoadTrace();
        var study = Schedule.InputErrors.AsUsage(() => new ProvisioningStudy(jobs, settings.Study([settings.Method], [1.0])));
        var trained = ProvisionView.WithProgress(console, settings, $"{settings.Method}: probing {study.TrainingStarts.Count} training samples of {source}",
            progress => Schedule.InputErrors.AsUsage(() => study.Train([kind], progress, cancellation)));
        var model = trained.Models[kind];
        Schedule.InputErrors.AsUsage(() =>
        {
            model.Save(settings.Model!);
            return 0;
        });
        var fit = model.Fit!;
        if (!settings.JsonOnConsole)
            console.MarkupLine(Markup.Escape($"{settings.Method}: {trained.TrainingSamples} samples, {trained.TrainingRows} rows; held-out MAE {fit.HeldOutMeanAbsoluteErrorHours:F3} h, R² {fit.HeldOutRSquared:F3}; saved to {settings.Model}"));
        var json = new
        {
            method = settings.Method, trace = source, trainingSamples = trained.TrainingSamples, trainingRows = trained.TrainingRows,
            heldOutRows = fit.HeldOutRows, heldOutMeanAbsoluteErrorHours = fit.HeldOutMeanAbsoluteErrorHours, heldOutRSquared = fit.HeldOutRSquared,
            model = settings.Model,
        };
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(json, ResultJson.Options));
        return ExitCodes.Success;
    }
}
