using System.Globalization;
using Frugal.Core.Errors;

namespace Frugal.Scheduling.Simulation;

/// <summary>A heterogeneous GPU cluster: how many GPUs of each worker type.</summary>
public sealed class ClusterSpec
{
    /// <summary>A cluster with <paramref name="gpus"/> GPUs per worker type, e.g. <c>{ ["v100"] = 32 }</c>.</summary>
    /// <exception cref="ArgumentException">No worker type, or a count that is not positive.</exception>
    /// <remarks>Use <see cref="Parse"/> for text a user typed: it reports mistakes as bad input.</remarks>
    public ClusterSpec(IReadOnlyDictionary<string, int> gpus)
    {
        if (gpus.Count == 0) throw new ArgumentException("a cluster needs at least one GPU type.", nameof(gpus));
        foreach (var (type, count) in gpus)
            if (count <= 0) throw new ArgumentOutOfRangeException(nameof(gpus), count,
                $"GPU count of '{type}' must be positive.");
        Gpus = new SortedDictionary<string, int>(gpus.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>GPUs per worker type, in ordinal order of the type names.</summary>
    public IReadOnlyDictionary<string, int> Gpus { get; }

    /// <summary>The worker (GPU) type names, in ordinal order.</summary>
    public IEnumerable<string> WorkerTypes => Gpus.Keys;

    /// <summary>GPUs of all types together.</summary>
    public int TotalGpus => Gpus.Values.Sum();

    /// <summary>The most GPUs of one type a cluster may have.</summary>
    public const int MaxGpusPerType = 100_000;

    /// <summary>Parses <c>v100=32</c> or <c>v100=16,k80=8</c>.</summary>
    /// <exception cref="BadInputException">Malformed text; the message quotes the part at fault.</exception>
    public static ClusterSpec Parse(string text)
    {
        var gpus = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split('=');
            if (pieces.Length != 2 || pieces[0].Length == 0 || !Count(pieces[1], out var count))
                throw Bad($"cluster '{text}': '{part}' is not TYPE=COUNT with a count from 1 to {MaxGpusPerType:N0}");
            if (!gpus.TryAdd(pieces[0], count)) throw Bad($"cluster '{text}': '{pieces[0]}' appears twice");
        }
        if (gpus.Count == 0) throw Bad($"cluster '{text}' names no GPUs; expected e.g. v100=32");
        return new ClusterSpec(gpus);
    }

    // NumberStyles.None still accepts trailing NUL characters; a count is digits only.
    private static bool Count(string text, out int count) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) && !text.Contains('\0')
        && count is >= 1 and <= MaxGpusPerType;

    private static BadInputException Bad(string message) => new(message, "cluster");

    /// <summary>The cluster in the form <see cref="Parse"/> reads, e.g. <c>k80=8,v100=16</c>.</summary>
    public override string ToString() => string.Join(",", Gpus.Select(g => $"{g.Key}={g.Value}"));
}
