namespace Frugal.Core.Results;

/// <summary>
/// What an experiment produced: its name, every parameter needed to rerun it (the seed included),
/// its metrics, and optional per-item records and charts. Serialises to JSON
/// (<see cref="ResultJson"/>) and CSV (<see cref="ResultCsv"/>) and renders as Markdown
/// (<see cref="ResultMarkdown"/>).
/// </summary>
public sealed class ExperimentResult
{
    /// <summary>An empty result of the experiment called <paramref name="name"/>.</summary>
    public ExperimentResult(string name, string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Title = title;
    }

    /// <summary>The machine name, as given to <c>frugal reproduce --only</c>, e.g. <c>core.distributions</c>.</summary>
    public string Name { get; }

    /// <summary>The heading the report gives the result.</summary>
    public string Title { get; }

    /// <summary>One or two sentences on what the run shows.</summary>
    public string? Summary { get; set; }

    /// <summary>Parameters in the order they were recorded, as invariant-culture text.</summary>
    public OrderedDictionary<string, string> Parameters { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The headline numbers, in the order recorded.</summary>
    public List<Metric> Metrics { get; init; } = [];
    /// <summary>The tables of raw records behind the metrics and charts.</summary>
    public List<RecordTable> Records { get; init; } = [];
    /// <summary>The plots the report shows.</summary>
    public List<Chart> Charts { get; init; } = [];

    /// <summary>Records (or replaces) a parameter the run used; returns this result.</summary>
    public ExperimentResult WithParameter(string name, object? value)
    {
        Parameters[name] = Format.Parameter(value);
        return this;
    }

    /// <summary>Records a metric, with its unit and confidence bounds where known; returns this result.</summary>
    /// <exception cref="ArgumentException">A metric of that name is already recorded.</exception>
    public ExperimentResult WithMetric(string name, double value, string? unit = null, double? lower = null,
        double? upper = null)
    {
        if (Metrics.Any(m => m.Name == name)) throw new ArgumentException(
            $"metric '{name}' is already recorded in '{Name}'.");
        Metrics.Add(new Metric(name, value, unit, lower, upper));
        return this;
    }

    /// <summary>The metric called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The result has no such metric.</exception>
    public Metric Metric(string name) =>
        Metrics.FirstOrDefault(m => m.Name == name)
            ?? throw new KeyNotFoundException($"result '{Name}' has no metric '{name}'.");

    /// <summary>The record table called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The result has no such table.</exception>
    public RecordTable Table(string name) =>
        Records.FirstOrDefault(t => t.Name == name)
            ?? throw new KeyNotFoundException($"result '{Name}' has no record table '{name}'.");
}
