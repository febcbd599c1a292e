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
        [Description("The learned method to train: forest (FastForest), gbt (LightGbm) or pg (REINFORCE over a gbt value model). Default gbt.")]
        [DefaultValue("gbt")]
        public string Method { get; init; } = "gbt";

        [CommandOption("--model <FILE>")]
        [Description("Where to save the model (required).")]
        public string? Model { get; init; }

        [CommandOption("--value-model <FILE>")]
        [Description("pg: the frozen value model (saved by train --method gbt or forest); without it a gbt model is trained first.")]
        public string? ValueModel { get; init; }

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            if (string.IsNullOrEmpty(Model)) return ValidationResult.Error("--model: name the file to save the model to.");
            if (!MethodCatalog.IsLearned(Method))
                return ValidationResult.Error($"--method: '{Method}' is not a learned method; train forest, gbt or pg ({string.Join(", ", MethodCatalog.Baselines)} need no training).");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (jobs, source, _, _) = settings.LoadTrace();
        var study = InputErrors.AsUsage(() => new ProvisioningStudy(jobs, settings.Study([settings.Method], [1.0])));
        if (settings.Method == MethodCatalog.PolicyGradient) return TrainPolicy(settings, study, source, cancellation);
        ValueModelKinds.TryParse(settings.Method, out var kind);
        var trained = ProvisionView.WithProgress(console, settings, $"{settings.Method}: probing {study.TrainingStarts.Count} training samples of {source}",
            progress => InputErrors.AsUsage(() => study.Train([kind], progress, cancellation)));
        var model = trained.Models[kind];
        InputErrors.AsUsage(() =>
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

    private int TrainPolicy(Settings settings, ProvisioningStudy study, string source, CancellationToken cancellation)
    {
        var policy = ProvisionView.WithProgress(console, settings, $"pg: {settings.PgUpdates} updates of {settings.PgEpisodes} episodes on {source}", progress =>
            InputErrors.AsUsage(() => settings.ValueModel is { } path
                ? study.TrainPolicy(Provisioning.Methods.ValueModel.Load(path), progress, cancellation)
                : study.Train(progress: progress, cancellation: cancellation).Policy!));
        InputErrors.AsUsage(() =>
        {
            policy.Save(settings.Model!);
            return 0;
        });
        // Greedy, the policy submits where its two logits cross: a learned threshold on the predicted gap.
        var p = policy.Parameters;
        var threshold = p[1] == p[0] ? double.NaN : -(p[3] - p[2]) / (p[1] - p[0]);
        if (!settings.JsonOnConsole)
            console.MarkupLine(Markup.Escape($"pg: {settings.PgUpdates * settings.PgEpisodes} episodes over a {policy.Value.Kind.Name()} value model; policy parameters {string.Join(", ", p.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}; saved to {settings.Model}"));
        var json = new
        {
            method = settings.Method, trace = source, valueModel = policy.Value.Kind.Name(), episodes = settings.PgUpdates * settings.PgEpisodes,
            policyParameters = p, submitThresholdHours = threshold, model = settings.Model,
        };
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(json, ResultJson.Options));
        return ExitCodes.Success;
    }
}
