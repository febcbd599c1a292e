using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.Core.Randomness;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary>
/// <c>frugal tune noise</c>: the default configuration's noise against the length of a measured run, so that a
/// comparison's run lengths are chosen from evidence on the machine that will run it.
/// </summary>
internal sealed class TuneNoiseCommand(IAnsiConsole console) : TuneCommand<TuneNoiseCommand.Settings>
{
    public sealed class Settings : TargetSettings
    {
        [CommandOption("--durations <SECONDS>")]
        [Description("Comma-separated run lengths to measure (default: the target's own).")]
        public string? Durations { get; init; }

        [CommandOption("--runs <N>")]
        [Description("Measured runs after each apply and warm-up (default 5).")]
        [DefaultValue(NoiseStudy.DefaultRuns)]
        public int Runs { get; init; } = NoiseStudy.DefaultRuns;

        [CommandOption("--trials <N>")]
        [Description("Applies (fresh load or restart, warm-up) per run length; 2 or more also measure the noise " +
            "between trials, which names the shortest quiet length (default 5, as the preflight).")]
        [DefaultValue(Preflight.Trials)]
        public int Trials { get; init; } = Preflight.Trials;

        [CommandOption("--metric <NAME>")]
        [Description("The metric whose noise is measured (default: the objective; rocksdb also cpu_us_per_op, the " +
            "processor time per operation, which other processes on the machine disturb much less).")]
        public string? Metric { get; init; }

        [CommandOption("--noise-threshold <CV>")]
        [Description("The coefficient of variation a comparison accepts (default 0.05).")]
        [TypeConverter(typeof(StrictNumberConverter<double>))]
        public double NoiseThreshold { get; init; } = Preflight.DefaultThreshold;

        public override string? OptionFor(string setting) => setting switch
        {
            NoiseStudy.DurationsSetting => "--durations",
            NoiseStudy.RunsSetting => "--runs",
            NoiseStudy.TrialsSetting => "--trials",
            NoiseStudy.ThresholdSetting => "--noise-threshold",
            NoiseStudy.MetricSetting => "--metric",
            TargetOptions.DurationSetting => Durations is null ? "--duration" : "--durations",
            _ => base.OptionFor(setting),
        };

        /// <summary>The run lengths asked for: <c>--durations</c>, else <c>--duration</c>, else the target's.</summary>
        public IReadOnlyList<double?> RunLengths() =>
            Durations is null ? [Duration]
            : [.. Durations.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(d => (double?)(double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                    ? v : double.NaN))];

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            if (Durations is not null && Duration is not null)
                return ValidationResult.Error("--duration and --durations: give one of them.");
            return Durations is not null && RunLengths().Any(d => d is null || double.IsNaN(d.Value))
                ? ValidationResult.Error($"--durations: '{Durations}' is not a comma-separated list of seconds.")
                : ValidationResult.Success();
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var (entry, space) = settings.LoadTarget();
        var lengths = settings.RunLengths();
        var options = settings.Options();
        var seeds = new SeedTree(settings.Seed).Child("target");
        // Every setting is checked before the first (possibly long) measurement.
        foreach (var length in lengths) entry.Create(options with { DurationSeconds = length }, seeds).Dispose();
        NoiseStudyResult Study(Action? trialDone) => NoiseStudy.Run(
            length => entry.Create(options with { DurationSeconds = length }, seeds), space, lengths, settings.Runs,
            settings.Trials, settings.NoiseThreshold, settings.Metric, trialDone, cancellation);
        var result = settings.JsonOnConsole
            ? Study(null)
            : console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .Start(p =>
                {
                    var task = p.AddTask($"default of {Markup.Escape(entry.Name)}, {lengths.Count} run length(s)",
                        maxValue: lengths.Count * settings.Trials);
                    return Study(() => task.Increment(1));
                });
        if (!settings.JsonOnConsole) TuneView.Noise(console, result);
        JsonOutput.Emit(console, settings, result.ToJson());
        return ExitCodes.Success;
    }
}
