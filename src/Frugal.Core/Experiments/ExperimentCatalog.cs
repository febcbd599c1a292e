namespace Frugal.Core.Experiments;

/// <summary>The experiments <c>frugal reproduce</c> knows, in the order they run; components register theirs as they land.</summary>
public sealed class ExperimentCatalog
{
    private readonly List<IExperiment> _experiments = [];

    public IReadOnlyList<IExperiment> All => _experiments;

    public ExperimentCatalog Register(IExperiment experiment)
    {
        if (_experiments.Any(e => e.Name == experiment.Name))
            throw new ArgumentException($"an experiment named '{experiment.Name}' is already registered.");
        _experiments.Add(experiment);
        return this;
    }

    /// <summary>
    /// The experiments to run: all of them when <paramref name="names"/> is empty, otherwise the
    /// named ones in catalogue order. A name may also be a component prefix (<c>core</c> selects
    /// every <c>core.*</c> experiment).
    /// </summary>
    /// <exception cref="UnknownExperimentException">A name matches nothing.</exception>
    public IReadOnlyList<IExperiment> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0) return _experiments;
        var unknown = names.Where(n => !_experiments.Any(e => Matches(e, n))).ToArray();
        if (unknown.Length > 0) throw new UnknownExperimentException(unknown, _experiments.Select(e => e.Name));
        return _experiments.Where(e => names.Any(n => Matches(e, n))).ToArray();
    }

    private static bool Matches(IExperiment experiment, string name) =>
        experiment.Name == name || experiment.Name.StartsWith(name + ".", StringComparison.Ordinal);
}

public sealed class UnknownExperimentException(IReadOnlyList<string> names, IEnumerable<string> known)
    : Errors.BadInputException($"unknown experiment {string.Join(", ", names.Select(n => $"'{n}'"))}; known: {string.Join(", ", known)}")
{
    public IReadOnlyList<string> Names { get; } = names;
}
