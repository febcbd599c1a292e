namespace Frugal.Core.Errors;

/// <summary>
/// A name chosen by the user (a policy, optimiser, adapter, target, method, experiment) that a catalogue does not know.
/// </summary>
public sealed class UnknownNameException(string kind, IReadOnlyList<string> names, IEnumerable<string> known)
    : BadInputException(
        $"unknown {kind} {string.Join(", ", names.Select(n => $"'{n}'"))}; known: {string.Join(", ", known)}",
        kind)
{
    /// <summary>What sort of thing was looked up ("policy", "optimizer", ...).</summary>
    public string Kind { get; } = kind;

    /// <summary>The names that matched nothing.</summary>
    public IReadOnlyList<string> Names { get; } = names;
}
