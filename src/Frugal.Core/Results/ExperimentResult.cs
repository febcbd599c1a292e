namespace Frugal.Core.Results;

/// <summary>
/// What an experiment produced: its name, every parameter needed to rerun it (the seed included),
/// its metrics, and optional per-item records and charts. Serialises to JSON
/// (<see cref="ResultJson"/>) and CSV (<see cref="ResultCsv"/>) and renders as Markdown
/// (<see cref="ResultMarkdown"/>).
/// </summary>
public sealed class ExperimentResult
{
    public ExperimentResult(string name, string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Title = title;
    }

    /// <summary>The machine name, as given to <c>frugal reproduce --only</c>, e.g. <c>core.distributions</c>.</summary>
    public string Name { get; }

    public string Title { get; }

    /// <summary>One or two sentences on what the run shows.</summary>
    public string? Summary { get; set; }

    /// <summary>Parameters in the order they were recorded, as invariant-culture text.</summary>
    public OrderedDictionary<string, string> Parameters { get; init; } = new(StringComparer.Ordinal);

    public List<Metric> Metrics { get; init; } = [];
    public List<RecordTable> Records { get; init; } = [];
    public List<Chart> Charts { get; init; } = [];

    public ExperimentResult WithParameter(string name, object? value)
    {
        Parameters[name] = Format.Parameter(value);
        return this;
    }

    public ExperimentResult WithMetric(string name, double value, string? unit = null, double? lower = null, double? upper = null)
    {
        if (Metrics.Any(m => m.Name == name)) throw new ArgumentException($"metric '{name}' is already recorded in '{Name}'.");
        Metrics.Add(new Metric(name, value, unit, lower, upper));
        return this;
    }

    public Metric Metric(string name) =>
        Metrics.FirstOrDefault(m => m.Name == name) ?? throw new KeyNotFoundException($"result '{Name}' has no metric '{name}'.");

    public RecordTable Table(string name) =>
        Records.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"result '{Name}' has no record table '{name}'.");
}
