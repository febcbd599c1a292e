using Frugal.Core.Experiments;
using Spectre.Console;

namespace Frugal.Learning.Training;

/// <summary>Shows a training run's progress as a Spectre.Console progress bar.</summary>
public static class TrainingConsole
{
    /// <summary>
    /// Runs <paramref name="train"/> under a progress bar on <paramref name="console"/>, labelled with
    /// <paramref name="title"/>, the epoch and the running loss; returns what it returns.
    /// </summary>
    public static T Run<T>(IAnsiConsole console, string title, Func<IProgress<TrainingProgress>, T> train)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(train);
        return console.Progress().Start(context =>
        {
            var task = context.AddTask(Markup.Escape(title), maxValue: 1);
            var result = train(new SynchronousProgress<TrainingProgress>(p =>
            {
                task.Description = Markup.Escape($"{title}: epoch {p.Epoch}/{p.Epochs}, loss {p.MeanLoss:0.0000}");
                task.Value = p.Fraction;
            }));
            task.Value = 1;
            return result;
        });
    }
}
