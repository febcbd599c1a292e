using Frugal.Core.Experiments;
using Spectre.Console;

namespace Frugal.Cli.Rendering;

/// <summary>One progress bar per experiment.</summary>
internal sealed class ProgressObserver(ProgressContext progress) : IReproductionObserver
{
    private readonly Dictionary<string, ProgressTask> _tasks = [];

    public void Started(IExperiment experiment) =>
        _tasks[experiment.Name] = progress.AddTask(Markup.Escape(experiment.Name), maxValue: 1);

    public void Progressed(IExperiment experiment, double fraction) => _tasks[experiment.Name].Value = fraction;

    public void Finished(ExperimentOutcome outcome)
    {
        var task = _tasks[outcome.Experiment.Name];
        task.Value = 1;
        if (!outcome.Succeeded) task.Description = $"[red]{Markup.Escape(outcome.Experiment.Name)} failed[/]";
        task.StopTask();
    }
}
