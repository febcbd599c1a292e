using System.ComponentModel;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Comparison;
using Frugal.Tuning.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary><c>frugal tune compare</c>: several methods on the same seeds; best-so-far curves with bootstrap bands, the trials ratio, a report.</summary>
public sealed class TuneCompareCommand(IAnsiConsole console) : Command<TuneCompareCommand.Settings>
{
    public sealed class Settings : TuneSettings
    {
        [CommandOption("--methods <NAMES>")]
        [Description("Comma-separated methods (default random,hesbo-random,llamatune-random).")]
        [DefaultValue("random,hesbo-random,llamatune-random")]
        public string Methods { get; init; } = "random,hesbo-random,llamatune-random";

        [CommandOption("--seeds <K>")]
        [Description("Runs per method, on the same K seeds for every method (default 3).")]
        [DefaultValue(3)]
        public int Seeds { get; init; } = 3;

        [CommandOption("--history-dir <DIR>")]
        [Description("Append each run's trials to DIR/METHOD-seedK.jsonl as they complete (for long runs on real systems).")]
        public string? HistoryDirectory { get; init; }

        [CommandOption("--resume")]
        [Description("Continue the runs recorded in --history-dir: replay their trials, then run the rest.")]
        public bool Resume { get; init; }

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            if (Seeds is < 1 or > 1000) return ValidationResult.Error($"--seeds: {Seeds} must lie in [1, 1000].");
            return Resume && HistoryDirectory is null ? ValidationResult.Error("--resume needs --history-dir.") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (entry, space) = settings.LoadTarget();
        var names = settings.Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new UsageException("--methods: name at least one method.");
        var methods = names.Select(settings.Method).Distinct().ToArray();
        foreach (var method in methods) InputErrors.AsUsage(() => new SpaceAdapter(space, method.Adapter, new SeedTree(settings.Seed)));
        InputErrors.AsUsage(() =>
        {
            using var probe = entry.Create(settings.Options(), new SeedTree(settings.Seed));
            return probe.Name;
        });
        var plan = new ComparisonPlan(entry.Name, settings.Options(), space, methods, settings.Iterations, settings.Seeds, settings.HistoryDirectory, settings.Resume);
        if (!plan.Resume && methods.SelectMany(m => Enumerable.Range(0, plan.Seeds).Select(k => plan.HistoryPath(m, k))).FirstOrDefault(File.Exists) is { } existing)
            throw new UsageException($"--history-dir: '{existing}' exists already; pass --resume to continue, or name another folder.");
        var experiment = new TuningComparisonExperiment(plan);
        var reproduction = new ReproductionOptions(settings.Seed, Quick: false, settings.Out);
        var summary = settings.JsonOnConsole
            ? Reproduction.Run([experiment], reproduction, observer: null, cancellation)
            : console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(p => Reproduction.Run([experiment], reproduction, new ProgressObserver(p), cancellation));
        if (summary.Outcomes[0].Error is { } error) throw new InvalidOperationException(error);

        if (!settings.JsonOnConsole)
        {
            TuneView.Comparison(console, experiment.Summaries);
            console.MarkupLineInterpolated($"Report: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(TuneView.ComparisonJson(plan, experiment.Summaries, experiment.Maximize), ResultJson.Options));
        return ExitCodes.Success;
    }
}
