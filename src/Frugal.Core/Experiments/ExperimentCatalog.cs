using Frugal.Core.Catalogs;
using Frugal.Core.Errors;

namespace Frugal.Core.Experiments;

/// <summary>
/// The experiments <c>frugal reproduce</c> knows, in the order they run; components register theirs as they land.
/// </summary>
public sealed class ExperimentCatalog
{
    private readonly Catalog<IExperiment> _experiments = new("experiment");

    /// <summary>Every registered experiment, in registration order.</summary>
    public IReadOnlyList<IExperiment> All => _experiments.Entries.Select(e => e.Entry).ToArray();

    /// <summary>Adds an experiment under its <see cref="IExperiment.Name"/>.</summary>
    /// <exception cref="ArgumentException">An experiment of that name is already registered.</exception>
    public ExperimentCatalog Register(IExperiment experiment)
    {
        _experiments.Add(experiment.Name, experiment, experiment.Description);
        return this;
    }

    /// <summary>
    /// The experiments to run: all of them when <paramref name="names"/> is empty, otherwise the
    /// named ones in catalogue order. A name may also be a component prefix (<c>core</c> selects
    /// every <c>core.*</c> experiment).
    /// </summary>
    /// <exception cref="UnknownNameException">A name matches nothing.</exception>
    public IReadOnlyList<IExperiment> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0) return All;
        var unknown = names.Where(n => !All.Any(e => Matches(e, n))).ToArray();
        if (unknown.Length > 0) throw _experiments.Unknown(unknown);
        return All.Where(e => names.Any(n => Matches(e, n))).ToArray();
    }

    private static bool Matches(IExperiment experiment, string name) =>
        experiment.Name == name || experiment.Name.StartsWith(name + ".", StringComparison.Ordinal);
}
