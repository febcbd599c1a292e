using System.ComponentModel;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Experiments;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary><c>frugal tune run</c>: one tuning run with a live display, its history appended trial by trial, then the best configuration against the default.</summary>
public sealed class TuneRunCommand(IAnsiConsole console) : Command<TuneRunCommand.Settings>
{
    public sealed class Settings : TuneSettings
    {
        [CommandOption("--method <NAME>")]
        [Description("random, lhs, gp, smac, llamatune-<optimizer> or an ablation such as hesbo-smac (default random).")]
        [DefaultValue("random")]
        public string MethodName { get; init; } = "random";

        [CommandOption("--history <FILE>")]
        [Description("JSON Lines file every trial is appended to as it completes (default: <out>/history.jsonl).")]
        public string? History { get; init; }

        [CommandOption("--resume")]
        [Description("Continue the run recorded in --history: replay its trials, then run the rest.")]
        public bool Resume { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (entry, space) = settings.LoadTarget();
        var method = settings.Method(settings.MethodName);
        var plan = new TuningPlan(entry.Name, space, method, settings.Iterations, settings.Seed);
        // Build the adapter once up front so that settings it cannot honour (a projection to too many dimensions) fail at once.
        InputErrors.AsUsage(() => new SpaceAdapter(space, method.Adapter, new SeedTree(settings.Seed).Child("adapter")));
        using var target = InputErrors.AsUsage(() => entry.Create(settings.Options(), new SeedTree(settings.Seed).Child("target")));
        var historyPath = settings.History ?? Path.Combine(settings.Out, "history.jsonl");
        using var history = OpenHistory(historyPath, settings.Resume, plan.Identity(target.Objective), space);

        TrialRecord? best = null;
        var maximize = target.Objective.Maximize;
        ProgressTask? task = null;
        void Show(TrialRecord trial)
        {
            if (!trial.Failed && (best is null || (maximize ? trial.Value > best.Value : trial.Value < best.Value))) best = trial;
            if (task is null) return;
            var changed = TuningRunExperiment.ChangedKnobs(plan, trial.Configuration);
            if (changed.Length > 80) changed = changed[..77] + "...";
            var value = trial.Failed ? "failed" : TuneView.Number(trial.Value);
            task.Description = Markup.Escape($"trial {trial.Iteration}/{plan.Iterations} {value} · best {(best is null ? "-" : TuneView.Number(best.Value))} · {(changed.Length == 0 ? "default" : changed)}");
        }
        var experiment = new TuningRunExperiment(target, plan, history, Show);
        var reproduction = new ReproductionOptions(settings.Seed, Quick: false, settings.Out);
        ReproductionSummary summary;
        try
        {
            summary = settings.JsonOnConsole
                ? Reproduction.Run([experiment], reproduction, observer: null, cancellation)
                : console.Progress().Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(p =>
                    {
                        task = p.AddTask($"tuning {Markup.Escape(entry.Name)} with {Markup.Escape(method.Name)}", maxValue: plan.Iterations + 1);
                        task.Value = history.Completed.Count;
                        return Reproduction.Run([experiment], reproduction, new TrialCounter(task), cancellation);
                    });
        }
        catch (OperationCanceledException e)
        {
            throw new PartlyKeptCancellation($"the completed trials are kept in {history.Path}; continue with --resume --history {history.Path}", e);
        }
        if (summary.Outcomes[0].Error is { } error) throw new InvalidOperationException(error);
        var outcome = experiment.Outcome!;

        if (!settings.JsonOnConsole)
        {
            TuneView.BestAgainstDefault(console, outcome);
            console.MarkupLineInterpolated($"History: {history.Path}   Report: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(TuneView.RunJson(outcome, history.Path), ResultJson.Options));
        return ExitCodes.Success;
    }

    private static TuningHistory OpenHistory(string path, bool resume, RunIdentity identity, Frugal.Tuning.Spaces.SearchSpace space)
    {
        try
        {
            return InputErrors.AsUsage(() => resume ? TuningHistory.Resume(path, identity, space) : TuningHistory.Create(path, identity, space));
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new UsageException($"--history: {e.Message}");
        }
    }

    /// <summary>Moves the progress bar with the experiment's fraction done (the description shows the trials).</summary>
    private sealed class TrialCounter(ProgressTask task) : IReproductionObserver
    {
        public void Started(IExperiment experiment) { }

        public void Progressed(IExperiment experiment, double fraction) => task.Value = fraction * task.MaxValue;

        public void Finished(ExperimentOutcome outcome) => task.StopTask();
    }
}
