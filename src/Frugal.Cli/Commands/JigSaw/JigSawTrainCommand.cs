using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.JigSaw;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.JigSaw;

/// <summary>
/// <c>frugal jigsaw train</c>: data-parallel training with structured partial backpropagation at σ against σ = 0,
/// seed by seed; prints accuracy and the measured compute, activation and network savings.
/// </summary>
internal sealed class JigSawTrainCommand(IAnsiConsole console) : SettingCommand<JigSawTrainCommand.Settings>
{
    /// <summary>The model, task, workers and σ.</summary>
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--model <NAME>")]
        [Description("Network: mlp, cnn or transformer (default mlp).")]
        [DefaultValue("mlp")]
        public string Model { get; init; } = "mlp";

        [CommandOption("--task <NAME>")]
        [Description("Data: synthetic (seeded teacher network) or cora (Cora's word features) (default synthetic).")]
        [DefaultValue("synthetic")]
        public string Task { get; init; } = "synthetic";

        [CommandOption("--workers <W>")]
        [TypeConverter(typeof(StrictNumberConverter<int>))]
        [Description("Simulated data-parallel workers, 1 to 64 (default 4).")]
        [DefaultValue(4)]
        public int Workers { get; init; } = 4;

        [CommandOption("--spb-sigma <SIGMA>")]
        [TypeConverter(typeof(StrictNumberConverter<double>))]
        [Description("Skipped-backward fraction σ of the staggered depths, 0 to 1 (default 0.375).")]
        [DefaultValue(0.375)]
        public double Sigma { get; init; } = 0.375;

        [CommandOption("--epochs <N>")]
        [TypeConverter(typeof(StrictNumberConverter<int>))]
        [Description("Passes over the training set (default 10).")]
        [DefaultValue(10)]
        public int Epochs { get; init; } = 10;

        [CommandOption("--batch <B>")]
        [TypeConverter(typeof(StrictNumberConverter<int>))]
        [Description("Samples per worker per iteration (default 32).")]
        [DefaultValue(32)]
        public int Batch { get; init; } = 32;

        [CommandOption("--repeats <N>")]
        [TypeConverter(typeof(StrictNumberConverter<int>))]
        [Description("Seeds to average over: --seed, --seed + 1, ... (default 1).")]
        [DefaultValue(1)]
        public int Repeats { get; init; } = 1;

        /// <summary>The training settings.</summary>
        public SpbTrainingOptions Options() => new()
        {
            Model = Model, Task = Task, Workers = Workers, Sigma = Sigma, Epochs = Epochs, BatchPerWorker = Batch,
        };

        /// <inheritdoc/>
        public override string? OptionFor(string setting) => setting switch
        {
            "model" => "--model",
            "task" => "--task",
            "workers" => "--workers",
            "SPB sigma" => "--spb-sigma",
            "epochs" => "--epochs",
            "batch" => "--batch",
            _ => null,
        };

        /// <inheritdoc/>
        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            if (Repeats is < 1 or > 100) return ValidationResult.Error("--repeats: must be 1 to 100.");
            try
            {
                Options().Validate();
                return ValidationResult.Success();
            }
            catch (Core.Errors.BadInputException e)
            {
                return ValidationResult.Error(e.Setting is { } s && OptionFor(s) is { } o ? $"{o}: {e.Message}"
                    : e.Message);
            }
        }
    }

    /// <inheritdoc/>
    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var options = settings.Options();
        var comparison = console.Progress().Start(ctx =>
        {
            var task = ctx.AddTask($"{options.Model} on {options.Task}: σ = 0 and σ = {F(options.Sigma)}");
            var progress = new Core.Experiments.SynchronousProgress<double>(f => task.Value = 100 * f);
            return SpbComparison.Run(options, settings.Seed, settings.Repeats, progress, cancellation);
        });
        if (!settings.JsonOnConsole)
        {
            var spb = comparison.Spb[0];
            var table = new Table().Title(Markup.Escape(
                    $"SPB · {options.Model} · {spb.Task} · W = {options.Workers} · depths ({string.Join(", ",
                        spb.Depths)}), σ = {F(spb.RealisedSigma)} · {settings.Repeats} seed(s)"))
                .AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("test accuracy at σ = 0", F(comparison.BaselineAccuracy));
            table.AddRow("test accuracy at σ", F(comparison.SpbAccuracy));
            table.AddRow("backward FLOPs (σ / σ = 0)", F(comparison.BackwardFlopsRatio));
            table.AddRow("kept activations (σ / σ = 0)", F(comparison.SavedActivationRatio));
            table.AddRow("all-reduced bytes (σ / σ = 0)", F(comparison.AllReducedBytesRatio));
            table.AddRow("measured κ", F(comparison.MeasuredKappa));
            console.Write(table);
        }
        JsonOutput.Emit(console, settings, comparison.ToJson());
        return ExitCodes.Success;
    }

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
