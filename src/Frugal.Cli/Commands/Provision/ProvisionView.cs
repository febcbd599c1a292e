using System.Globalization;
using Frugal.Core.Experiments;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Simulation;
using Spectre.Console;

namespace Frugal.Cli.Commands.Provision;

/// <summary>Terminal output of the <c>frugal provision</c> commands.</summary>
internal static class ProvisionView
{
    public static void Validation(IAnsiConsole console, ReplayValidation validation)
    {
        console.MarkupLine(Markup.Escape(
            $"{validation.Jobs} jobs of {validation.Trace} on pools {validation.Pools} " +
            $"({validation.SkippedBadLines} bad lines skipped, {validation.NeverStarted} jobs never started)"));
        var table =
            new Table().Title("queue wait (h): real / simulated").AddColumn("group")
            .AddColumn(new TableColumn("jobs").RightAligned())
            .AddColumn(new TableColumn("mean").RightAligned());
        foreach (var level in WaitComparison.Levels) table.AddColumn(
            new TableColumn("p" + (100 * level).ToString(CultureInfo.InvariantCulture)).RightAligned());
        table.AddColumn(new TableColumn("KS").RightAligned());
        foreach (var c in validation.Groups)
        {
            var cells = new List<string>
            {
                c.Group,
                c.Jobs.ToString(CultureInfo.InvariantCulture),
                Pair(c.RealMeanHours, c.SimulatedMeanHours),
            };
            cells.AddRange(c.RealQuantileHours.Select((r, i) => Pair(r, c.SimulatedQuantileHours[i])));
            cells.Add(F(c.KsDistance));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
    }

    public static void Evaluation(IAnsiConsole console, MethodEvaluation o)
    {
        var title = $"{o.Method} · {o.Chains} chains of {o.Trace} · load {F(o.Load)}";
        var table = new Table().Title(Markup.Escape(title))
            .AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("mean interruption", F(o.MeanInterruptionHours) + " h");
        table.AddRow("median interruption", F(o.MedianInterruptionHours) + " h");
        table.AddRow("chains without interruption", F(100 * o.ZeroInterruptionFraction) + " %");
        table.AddRow("overlap per chain", F(o.OverlapNodeHours) + " node-h");
        console.Write(table);
    }

    /// <summary>One line on a trained value model or policy, and where it was saved.</summary>
    public static void Training(IAnsiConsole console, ProvisioningResult training) => console.MarkupLine(Markup.Escape(
        training switch
        {
            ValueModelTraining t =>
                $"{t.Method}: {t.TrainingSamples} samples, {t.TrainingRows} rows; " +
                $"held-out MAE {F3(t.HeldOutMeanAbsoluteErrorHours)} h, R² {F3(t.HeldOutRSquared)}; saved to {t.Model}",
            PolicyTraining t =>
                $"pg: {t.Episodes} episodes over a {t.ValueModel} value model; policy parameters " +
                $"{string.Join(", ", t.PolicyParameters.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}" +
                $"; saved to {t.Model}",
            _ => throw new ArgumentException($"not a training result: {training.GetType().Name}", nameof(training)),
        }));

    /// <summary>Runs <paramref name="work"/> under a progress bar, or silently when JSON goes to the console.</summary>
    public static T WithProgress<T>(IAnsiConsole console, Commands.GlobalSettings settings, string description,
        Func<IProgress<double>, T> work) =>
        settings.JsonOnConsole
            ? work(new SynchronousProgress<double>(_ => { }))
            : console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn())
                .Start(p =>
                {
                    var task = p.AddTask(Markup.Escape(description), maxValue: 1);
                    return work(new SynchronousProgress<double>(f => task.Value = f));
                });

    private static string Pair(double real, double simulated) => $"{F(real)} / {F(simulated)}";

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
