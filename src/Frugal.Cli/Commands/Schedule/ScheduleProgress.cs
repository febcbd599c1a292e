using Frugal.Core.Experiments;
using Spectre.Console;

namespace Frugal.Cli.Commands.Schedule;

/// <summary>
/// The progress display of a schedule command, shown from its first second: one line per step
/// (reading the inputs, simulating, writing the report), each with its elapsed time; a step's bar
/// pulses until it reports a fraction. With <c>--json</c> on the console there is no display.
/// </summary>
internal sealed class ScheduleProgress
{
    private readonly ProgressContext? _display;
    private ProgressTask? _current;

    private ScheduleProgress(ProgressContext? display) => _display = display;

    /// <summary>Runs <paramref name="work"/> under the display (or none, when JSON goes to the console).</summary>
    public static T Run<T>(IAnsiConsole console, GlobalSettings settings, Func<ScheduleProgress, T> work)
    {
        if (settings.JsonOnConsole) return work(new ScheduleProgress(null));
        return console.Progress()
            .Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(display =>
            {
                var progress = new ScheduleProgress(display);
                var result = work(progress);
                progress.Finish();
                return result;
            });
    }

    /// <summary>Starts a step, finishing the one before; returns where the step reports its fraction done.</summary>
    public IProgress<double> Step(string description)
    {
        Finish();
        if (_display is null) return new SynchronousProgress<double>(_ => { });
        var task = _current = _display.AddTask(Markup.Escape(description), maxValue: 1);
        task.IsIndeterminate = true;
        return new SynchronousProgress<double>(fraction =>
        {
            task.IsIndeterminate = false;
            task.Value = fraction;
        });
    }

    private void Finish()
    {
        if (_current is null) return;
        _current.IsIndeterminate = false;
        _current.Value = 1;
        _current.StopTask();
    }
}
