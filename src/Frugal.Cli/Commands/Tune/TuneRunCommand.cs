using System.ComponentModel;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Tuning.Experiments;
using Frugal.Tuning.Loop;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary>
/// <c>frugal tune run</c>: one tuning run with a live display, its history appended trial by trial, then the best
/// configuration against the default.
/// </summary>
internal sealed class TuneRunCommand(IAnsiConsole console) : TuneCommand<TuneRunCommand.Settings>
{
    public sealed class Settings : TuneSettings
    {
        [CommandOption("--method <NAME>")]
        [Description(
            "random, lhs, gp, smac, llamatune-<optimizer> or an ablation such as hesbo-smac (default random).")]
        [DefaultValue("random")]
        public string MethodName { get; init; } = "random";

        [CommandOption("--history <FILE>")]
        [Description("JSON Lines file every trial is appended to as it completes (default: <out>/history.jsonl).")]
        public string? History { get; init; }

        [CommandOption("--resume")]
        [Description("Continue the run recorded in --history: replay its trials, then run the rest.")]
        public bool Resume { get; init; }

        /// <summary>The history file: <c>--history</c>, or <c>history.jsonl</c> in the output folder.</summary>
        public string HistoryPath => History ?? Path.Combine(Out, "history.jsonl");

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            return History is not null && OutputPaths.FileProblem(History, createsFolder: true) is { } problem
                ? ValidationResult.Error($"--history: {problem}.")
                : ValidationResult.Success();
        }

        /// <inheritdoc/>
        protected override IEnumerable<string> HistoriesRead() => Resume ? [HistoryPath] : [];

        public override string? OptionFor(string setting) =>
            MethodOption(setting, "--method")
            ?? (setting == TuningHistory.Setting ? "--history" : base.OptionFor(setting));
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var (entry, space) = settings.LoadTarget();
        var method = settings.Method(settings.MethodName);
        var plan = new TuningPlan(entry.Name, space, method, settings.Iterations, settings.Seed,
            settings.Protocol(entry), settings.Objective);
        // Build the adapter once up front so that settings it cannot honour (a projection to too many dimensions) fail
        // at once.
        method.CreateAdapter(space, new SeedTree(settings.Seed).Child("adapter"));
        using var target = entry.Create(settings.Options(), new SeedTree(settings.Seed).Child("target"));
        var objective = plan.ObjectiveOn(target);
        var identity = plan.Identity(objective);
        using var history = settings.Resume
            ? TuningHistory.Resume(settings.HistoryPath, identity, space)
            : TuningHistory.Create(settings.HistoryPath, identity, space);

        TrialRecord? best = null;
        var maximize = objective.Maximize;
        string Describe(TrialRecord trial)
        {
            if (!trial.Failed && (best is null || (maximize ? trial.Value > best.Value : trial.Value < best.Value)))
                best = trial;
            var changed = plan.ChangedKnobs(trial.Configuration);
            if (changed.Length > 80) changed = changed[..77] + "...";
            var value = trial.Failed ? "failed" : TuneView.Number(trial.Value) + TuneView.Noise(trial);
            var bestValue = best is null ? "-" : TuneView.Number(best.Value);
            if (changed.Length == 0) changed = "default";
            return Markup.Escape($"trial {trial.Iteration}/{plan.Iterations} {value} · best {bestValue} · {changed}");
        }
        TuningOutcome outcome;
        try
        {
            outcome = settings.JsonOnConsole
                ? Tuner.Run(target, plan, history, cancellation: cancellation)
                : console.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                        new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(p =>
                    {
                        var task = p.AddTask($"tuning {Markup.Escape(entry.Name)} with {Markup.Escape(method.Name)}",
                            maxValue: plan.Iterations + 1);
                        task.Value = history.Completed.Count;
                        return Tuner.Run(target, plan, history, trial =>
                        {
                            task.Description = Describe(trial);
                            task.Value = trial.Iteration + 1;
                        }, cancellation);
                    });
        }
        catch (OperationCanceledException e)
        {
            throw new PartlyKeptCancellation(
                $"the completed trials are kept in {history.Path}; continue with --resume --history {history.Path}", e);
        }
        var run = new TuningRunResult(outcome, history.Path);
        var summary = Reproduction.Run([new TuningRunExperiment(run)],
            new ReproductionOptions(settings.Seed, Quick: false, settings.Out), cancellation: cancellation);
        if (summary.Outcomes[0].Error is { } error) throw new InvalidOperationException(error);

        if (!settings.JsonOnConsole)
        {
            TuneView.BestAgainstDefault(console, outcome);
            console.MarkupLineInterpolated($"History: {history.Path}   Report: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, run.ToJson());
        return ExitCodes.Success;
    }
}
