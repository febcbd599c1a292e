using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.Core.Randomness;
using Frugal.Tuning.Loop;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary>
/// <c>frugal tune verify</c>: measures a history's best configuration and its default again, alternately, on a fresh
/// target,
/// because the best of many noisy trials overstates its own improvement.
/// </summary>
internal sealed class TuneVerifyCommand(IAnsiConsole console) : TuneCommand<TuneVerifyCommand.Settings>
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
            return Rounds is < 1 or > 1000 ? ValidationResult.Error($"--rounds: {Rounds} must lie in [1, 1000].")
                : ValidationResult.Success();
        }

        /// <inheritdoc/>
        protected override IEnumerable<string> HistoriesRead() => [History];

        public override string? OptionFor(string setting) =>
            setting == TuningHistory.Setting ? "--history" : base.OptionFor(setting);
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var (entry, space) = settings.LoadTarget();
        var run = TuningHistory.Load(settings.History, entry.Name, space);
        using var target = entry.Create(settings.Options(), new SeedTree(settings.Seed).Child("target"));
        VerificationResult Verify(Action<int>? roundDone) =>
            Verification.Run(target, run, settings.Rounds, settings.Protocol(entry).Checked().Repeats, roundDone,
                cancellation);
        var result = settings.JsonOnConsole
            ? Verify(null)
            : console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .Start(p =>
            {
                var history = Markup.Escape(Path.GetFileName(settings.History));
                var task = p.AddTask($"default and best of {history}, {settings.Rounds} rounds",
                    maxValue: settings.Rounds);
                return Verify(done => task.Value = done);
            });

        if (!settings.JsonOnConsole) Show(result);
        JsonOutput.Emit(console, settings, result.ToJson());
        return ExitCodes.Success;
    }

    private void Show(VerificationResult result)
    {
        static string F(double v) => double.IsNaN(v) ? "failed" : TuneView.Number(v);
        var table =
            new Table().AddColumn("round").AddColumn(new TableColumn("default").RightAligned())
            .AddColumn(new TableColumn("best").RightAligned());
        for (var i = 0; i < result.Default.Length; i++) table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture),
            F(result.Default[i]), F(result.Best[i]));
        table.AddRow("median", F(result.MedianDefault), F(result.MedianBest));
        table.Caption(Markup.Escape(
            $"{result.Objective.Metric}: best is " +
            $"{result.ImprovementPercent.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)} % " +
            $"against the default; it won {result.RoundsWon} of {result.Default.Length} rounds"));
        console.Write(table);
    }
}
