using System.Security.Cryptography;
using System.Text;
using Frugal.Core.Results;

namespace Frugal.Tuning.Spaces;

/// <summary>
/// The knobs a tuning run searches, in definition order (the order HeSBO's hash and REMBO's matrix follow), with the
/// default configuration every run evaluates first as its baseline.
/// </summary>
public sealed class SearchSpace
{
    /// <summary>
    /// The name errors give the knob space a run searches (<see cref="Frugal.Core.Errors.BadInputException.Setting"/>).
    /// </summary>
    public const string Setting = "space";

    /// <summary>A space of <paramref name="knobs"/>, searched in the order given.</summary>
    /// <param name="name">The space's name.</param>
    /// <param name="knobs">The knobs.</param>
    /// <param name="description">What the space covers.</param>
    /// <param name="host">The machine that bounded the knobs' host-scaled ranges; needed where a knob has one.</param>
    /// <exception cref="ArgumentException">The name is blank, there are no knobs, two share a name, or a knob's range
    /// follows the host and no host is given.</exception>
    public SearchSpace(string name, IReadOnlyList<Knob> knobs, string? description = null, HostResources? host = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (knobs.Count == 0) throw new ArgumentException($"space '{name}' has no knobs.", nameof(knobs));
        var duplicate = knobs.GroupBy(k => k.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"space '{name}': knob '{duplicate.Key}' appears twice.", nameof(knobs));
        var hostBound = knobs.FirstOrDefault(k => k.HostMax is not null);
        if (hostBound is not null && host is null)
            throw new ArgumentException($"space '{name}': knob '{hostBound.Name}' follows the host, and no host is given.",
                nameof(host));
        Name = name;
        Knobs = knobs;
        Description = description;
        Host = hostBound is null ? null : host;
    }

    /// <summary>The name a space goes by (<c>postgres-15</c>); part of a run's identity.</summary>
    public string Name { get; }
    /// <summary>What the space covers, for listings; null when its file says nothing.</summary>
    public string? Description { get; }
    /// <summary>The knobs in definition order.</summary>
    public IReadOnlyList<Knob> Knobs { get; }
    /// <summary>
    /// The machine whose memory and cores bound the ranges of the knobs that follow the host (LlamaTune brief §10);
    /// null when no knob does. A history records it, so a run resumes in the ranges it was made in.
    /// </summary>
    public HostResources? Host { get; }

    /// <summary>The knob called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The space has no knob of that name.</exception>
    public Knob this[string name] =>
        Knobs.FirstOrDefault(k => k.Name == name)
        ?? throw new KeyNotFoundException($"space '{Name}' has no knob '{name}'.");

    /// <summary>Every knob at its default.</summary>
    public IReadOnlyDictionary<string, object> DefaultConfiguration() =>
        Knobs.ToDictionary(k => k.Name, k => k.Default);

    /// <summary>
    /// A short hash of everything that shapes the search (names, types, ranges, defaults, special values): a history
    /// made on
    /// one space must not be resumed on another, even one with the same name.
    /// </summary>
    internal string Fingerprint()
    {
        var text = new StringBuilder(Name);
        foreach (var k in Knobs)
        {
            text.Append('|').Append(k.Name).Append(':').Append(k.Type).Append(':').Append(Format.Parameter(k.Min))
                .Append(':').Append(Format.Parameter(k.Max))
                .Append(':').Append(k.LogScale).Append(':').Append(Format.Parameter(k.Default)).Append(':')
                    .Append(string.Join(",", k.Values));
            foreach (var s in k.Special) text.Append(':').Append(Format.Parameter(s.Value)).Append('@')
                .Append(Format.Parameter(s.Probability));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
