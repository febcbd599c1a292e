using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Comparison;
using Frugal.Tuning.Experiments;
using Frugal.Tuning.Loop;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary>
/// <c>frugal tune compare</c>: several methods on the same seeds; best-so-far curves with bootstrap bands, the trials
/// ratio, a report.
/// </summary>
internal sealed class TuneCompareCommand(IAnsiConsole console) : TuneCommand<TuneCompareCommand.Settings>
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
        [Description(
            "Append each run's trials to DIR/METHOD-seedK.jsonl as they complete (for long runs on real systems).")]
        public string? HistoryDirectory { get; init; }

        [CommandOption("--resume")]
        [Description("Continue the runs recorded in --history-dir: replay their trials, then run the rest.")]
        public bool Resume { get; init; }

        [CommandOption("--allow-noisy")]
        [Description("Compare even when the default's noise (CV between 5 trials, measured first) exceeds " +
            "the threshold.")]
        public bool AllowNoisy { get; init; }

        [CommandOption("--noise-threshold <CV>")]
        [Description("The largest coefficient of variation of the default a comparison accepts (default 0.05).")]
        [TypeConverter(typeof(StrictNumberConverter<double>))]
        public double? NoiseThreshold { get; init; }

        public override ValidationResult Validate()
        {
            var baseResult = base.Validate();
            if (!baseResult.Successful) return baseResult;
            if (Seeds is < 1 or > 1000) return ValidationResult.Error($"--seeds: {Seeds} must lie in [1, 1000].");
            if (Resume && HistoryDirectory is null) return ValidationResult.Error("--resume needs --history-dir.");
            return HistoryDirectory is not null && OutputPaths.FolderProblem(HistoryDirectory) is { } problem
                ? ValidationResult.Error($"--history-dir: {problem}.")
                : ValidationResult.Success();
        }

        /// <inheritdoc/>
        protected override IEnumerable<string> HistoriesRead() => Resume && HistoryDirectory is not null
            ? from name in Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
              from seed in Enumerable.Range(0, Seeds)
              select ComparisonPlan.HistoryFile(HistoryDirectory, Method(name), seed)
            : [];

        public override string? OptionFor(string setting) =>
            MethodOption(setting, "--methods") ?? setting switch
            {
                TuningHistory.Setting => "--history-dir",
                Preflight.Setting => NoiseThreshold is not null && !(NoiseThreshold is > 0 and <= 1)
                    ? "--noise-threshold" : "--allow-noisy",
                _ => base.OptionFor(setting),
            };
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var (entry, space) = settings.LoadTarget();
        var methods = TuningMethod.ParseAll(
            settings.Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            settings.Dims, settings.Bias, settings.Buckets);
        // Settings an adapter or the target cannot honour fail now, not after the first methods have run.
        foreach (var method in methods) method.CreateAdapter(space, new SeedTree(settings.Seed));
        using (entry.Create(settings.Options(), new SeedTree(settings.Seed))) { }
        var plan = new ComparisonPlan(entry.Name, settings.Options(), space, methods, settings.Iterations,
            settings.Seeds, settings.HistoryDirectory, settings.Resume, settings.Protocol(entry), settings.Objective,
            new NoisePolicy(settings.NoiseThreshold ?? Preflight.DefaultThreshold, settings.AllowNoisy));
        ComparisonResult Compare(Action<double>? progress) =>
            TuningComparison.Run(plan, TuningComparisonExperiment.Seeds(settings.Seed), progress, cancellation);
        var comparison = settings.JsonOnConsole
            ? Compare(null)
            : console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn())
                .Start(p =>
                {
                    var task = p.AddTask(TuningComparisonExperiment.ExperimentName, maxValue: 1);
                    return Compare(fraction => task.Value = fraction);
                });
        var summary = Reproduction.Run([new TuningComparisonExperiment(comparison)],
            new ReproductionOptions(settings.Seed, Quick: false, settings.Out), cancellation: cancellation);
        if (summary.Outcomes[0].Error is { } error) throw new InvalidOperationException(error);

        if (!settings.JsonOnConsole)
        {
            if (comparison.Noise is { } noise)
            {
                var (between, within) = (noise.CoefficientOfVariation * 100, noise.Default.WithinCv * 100);
                console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"Noise check: default {noise.Metric} CV {between:0.0}% between {noise.Default.Trials.Count} " +
                    $"trials ({within:0.0}% between the runs of a trial)")));
            }
            TuneView.Comparison(console, comparison.Summaries);
            console.MarkupLineInterpolated($"Report: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, comparison.ToJson());
        return ExitCodes.Success;
    }
}
