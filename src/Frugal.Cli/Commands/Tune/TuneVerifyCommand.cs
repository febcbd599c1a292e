using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Tuning.Loop;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary>
/// <c>frugal tune verify</c>: measures a history's best configuration and its default again, alternately, on a fresh target,
/// because the best of many noisy trials overstates its own improvement.
/// </summary>
public sealed class TuneVerifyCommand(IAnsiConsole console) : Command<TuneVerifyCommand.Settings>
{
    public sealed class Settings : TargetSettings
    {
        [CommandOption("--history <FILE>")]
        [Description("The history of a 'tune run' (or one run of 'tune compare --history-dir').")]
        public string History { get; init; } = "";

        [CommandOption("--rounds <N>")]
        [Description("Measurements of each configuration, alternating default and best (default 5).")]
        [DefaultValue(5)]
        public int Rounds { get; init; } = 5;

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            if (History.Length == 0) return ValidationResult.Error("--history: name the history file to verify.");
            return Rounds is < 1 or > 1000 ? ValidationResult.Error($"--rounds: {Rounds} must lie in [1, 1000].") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (entry, space) = settings.LoadTarget();
        var identity = InputErrors.AsUsage(() => TuningHistory.ReadIdentity(settings.History));
        if (identity.Target != entry.Name)
            throw new UsageException($"--history: '{settings.History}' tuned target '{identity.Target}', not '{entry.Name}'.");
        if (identity.SpaceFingerprint != space.Fingerprint())
            throw new UsageException($"--history: '{settings.History}' searched space '{identity.Space}' ({identity.SpaceFingerprint}), not '{space.Name}' ({space.Fingerprint()}); pass its --space or --workload.");
        var (_, trials, _) = InputErrors.AsUsage(() => TuningHistory.Read(settings.History, space));
        using var target = InputErrors.AsUsage(() => entry.Create(settings.Options(), new SeedTree(settings.Seed).Child("target")));
        VerificationResult Verify(Action<int>? roundDone) => InputErrors.AsUsage(() => Verification.Run(target, trials, settings.Rounds, roundDone, cancellation));
        var result = settings.JsonOnConsole
            ? Verify(null)
            : console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(p =>
            {
                var task = p.AddTask($"default and best of {Markup.Escape(Path.GetFileName(settings.History))}, {settings.Rounds} rounds", maxValue: settings.Rounds);
                return Verify(done => task.Value = done);
            });

        if (!settings.JsonOnConsole) Show(result);
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(new
        {
            history = settings.History,
            metric = result.Objective.Metric,
            maximize = result.Objective.Maximize,
            rounds = settings.Rounds,
            @default = result.Default.Select(NullIfFailed),
            best = result.Best.Select(NullIfFailed),
            medianDefault = NullIfFailed(result.MedianDefault),
            medianBest = NullIfFailed(result.MedianBest),
            improvementPercent = NullIfFailed(result.ImprovementPercent),
            roundsWon = result.RoundsWon,
            defaultFailures = result.DefaultFailures,
            bestFailures = result.BestFailures,
        }, ResultJson.Options));
        return ExitCodes.Success;
    }

    private static double? NullIfFailed(double value) => double.IsNaN(value) ? null : value;

    private void Show(VerificationResult result)
    {
        static string F(double v) => double.IsNaN(v) ? "failed" : TuneView.Number(v);
        var table = new Table().AddColumn("round").AddColumn(new TableColumn("default").RightAligned()).AddColumn(new TableColumn("best").RightAligned());
        for (var i = 0; i < result.Default.Length; i++) table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), F(result.Default[i]), F(result.Best[i]));
        table.AddRow("median", F(result.MedianDefault), F(result.MedianBest));
        table.Caption(Markup.Escape($"{result.Objective.Metric}: best is {result.ImprovementPercent.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)} % against the default; " +
                                    $"it won {result.RoundsWon} of {result.Default.Length} rounds"));
        console.Write(table);
    }
}
