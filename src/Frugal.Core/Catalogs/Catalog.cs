using Frugal.Core.Errors;

namespace Frugal.Core.Catalogs;

/// <summary>
/// Everything chosen by name on the command line (policies, optimisers, adapters, targets, methods,
/// experiments) is looked up in one of these: names in registration order, case-insensitive,
/// optional aliases, and one error for an unknown name that lists the valid ones.
/// </summary>
/// <typeparam name="T">What a name stands for: usually a factory, since most entries keep per-run state.</typeparam>
/// <param name="kind">What the entries are, for messages ("policy", "optimizer").</param>
public sealed class Catalog<T>(string kind)
{
    private readonly List<(string Name, string Description, T Entry)> _entries = [];
    private readonly Dictionary<string, string> _lookup = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the entries are, as used in messages.</summary>
    public string Kind { get; } = kind;

    /// <summary>The entries' names, in registration order (aliases excluded).</summary>
    public IReadOnlyList<string> Names => _entries.Select(e => e.Name).ToArray();

    /// <summary>Every accepted name: the entries' names, then the aliases.</summary>
    public IReadOnlyList<string> AcceptedNames =>
        [.. Names, .. _lookup.Keys.Except(Names, StringComparer.OrdinalIgnoreCase)];

    /// <summary>The entries with their names and one-line descriptions, in registration order.</summary>
    public IReadOnlyList<(string Name, string Description, T Entry)> Entries => _entries;

    /// <summary>Adds an entry under <paramref name="name"/> and any <paramref name="aliases"/>.</summary>
    /// <exception cref="ArgumentException">A name or alias is already taken (a programming error, not bad
    /// input).</exception>
    public Catalog<T> Add(string name, T entry, string description = "", params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var key in aliases.Prepend(name))
        {
            if (!_lookup.TryAdd(key, name)) throw new ArgumentException(
                $"{Kind} catalogue: '{key}' is already registered.");
        }
        _entries.Add((name, description, entry));
        return this;
    }

    /// <summary>Whether <paramref name="name"/> is an entry's name or alias.</summary>
    public bool Contains(string name) => _lookup.ContainsKey(name);

    /// <summary>The entry's own name for <paramref name="name"/> (resolving an alias).</summary>
    /// <exception cref="UnknownNameException">No entry or alias has that name.</exception>
    public string Canonical(string name) =>
        _lookup.TryGetValue(name ?? "", out var canonical) ? canonical : throw Unknown([name ?? ""]);

    /// <summary>The entry named <paramref name="name"/> (or one of its aliases).</summary>
    /// <exception cref="UnknownNameException">No entry or alias has that name.</exception>
    public T Get(string name)
    {
        var canonical = Canonical(name);
        return _entries.First(e => e.Name == canonical).Entry;
    }

    /// <summary>
    /// The entries named in <paramref name="names"/> (a list from the command line), in the given
    /// order; every unknown name is reported at once, and an empty list, an empty name or a name given twice is
    /// bad input.
    /// </summary>
    public IReadOnlyList<(string Name, T Entry)> GetAll(IReadOnlyCollection<string> names)
    {
        if (names.All(string.IsNullOrWhiteSpace))
            throw new BadInputException($"no {Kind} named; known: {string.Join(", ", Names)}", Kind);
        if (names.Any(string.IsNullOrWhiteSpace))
            throw new BadInputException($"an empty {Kind} name in the list (two commas in a row?)", Kind);
        var unknown = names.Where(n => !Contains(n)).ToArray();
        if (unknown.Length > 0) throw Unknown(unknown);
        var canonical = names.Select(Canonical).ToArray();
        var twice = canonical.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new BadInputException($"{Kind} '{twice.Key}' is named twice", Kind);
        return canonical.Select(n => (n, _entries.First(e => e.Name == n).Entry)).ToArray();
    }

    /// <summary>The error for names that match nothing, listing every accepted name.</summary>
    public UnknownNameException Unknown(IReadOnlyList<string> names) => new(Kind, names, AcceptedNames);
}
