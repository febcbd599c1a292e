using Frugal.Learning.Data;

namespace Frugal.Learning.Metrics;

/// <summary>Link-prediction metrics: the rank of the true answer among scored candidates.</summary>
public static class Ranking
{
    /// <summary>
    /// The 1-based rank of candidate <paramref name="target"/> among <paramref name="scores"/> (higher is
    /// better): one plus the candidates that outscore it, plus half of those tied with it (the mean of
    /// its best and worst possible rank, so a constant scorer earns no credit). Candidates in
    /// <paramref name="skip"/> are left out: for the filtered rank, the other known true answers
    /// (the target itself is never left out); for the raw rank, nothing.
    /// </summary>
    public static double Rank(ReadOnlySpan<float> scores, int target, IReadOnlySet<int>? skip = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(target, scores.Length);
        var score = scores[target];
        if (float.IsNaN(score)) throw new ArgumentException($"the score of candidate {target} is NaN.", nameof(scores));
        long higher = 0, tied = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (i == target || (skip is not null && skip.Contains(i))) continue;
            if (scores[i] > score) higher++;
            else if (scores[i] == score) tied++;
        }
        return 1 + higher + tied / 2.0;
    }

    /// <summary>The mean of 1/rank.</summary>
    public static double MeanReciprocalRank(IReadOnlyCollection<double> ranks)
    {
        RequireRanks(ranks);
        return ranks.Sum(r => 1 / r) / ranks.Count;
    }

    /// <summary>The fraction of ranks no greater than <paramref name="k"/>.</summary>
    public static double HitsAt(IReadOnlyCollection<double> ranks, int k)
    {
        RequireRanks(ranks);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return (double)ranks.Count(r => r <= k) / ranks.Count;
    }

    private static void RequireRanks(IReadOnlyCollection<double> ranks)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        if (ranks.Count == 0) throw new ArgumentException("no ranks to summarise.", nameof(ranks));
        if (ranks.Any(r => !(r >= 1))) throw new ArgumentException("ranks start at 1.", nameof(ranks));
    }
}

/// <summary>
/// The known true triples of a knowledge graph (all splits), for filtered ranking: when ranking the
/// tails of (head, relation, ?), the other true tails are left out, and likewise for heads. Pass the
/// sets it returns to <see cref="Ranking.Rank"/>, which never leaves out the target itself.
/// </summary>
public sealed class TripleFilter
{
    private readonly Dictionary<(int, int), HashSet<int>> _tails = [];
    private readonly Dictionary<(int, int), HashSet<int>> _heads = [];

    /// <summary>A filter over every triple in <paramref name="splits"/>.</summary>
    public TripleFilter(params IEnumerable<Triple>[] splits)
    {
        foreach (var triple in splits.SelectMany(s => s))
        {
            Add(_tails, (triple.Head, triple.Relation), triple.Tail);
            Add(_heads, (triple.Relation, triple.Tail), triple.Head);
        }
    }

    /// <summary>The known tails of (<paramref name="head"/>, <paramref name="relation"/>, ?).</summary>
    public IReadOnlySet<int> Tails(int head, int relation) => _tails.GetValueOrDefault((head, relation), None);

    /// <summary>The known heads of (?, <paramref name="relation"/>, <paramref name="tail"/>).</summary>
    public IReadOnlySet<int> Heads(int relation, int tail) => _heads.GetValueOrDefault((relation, tail), None);

    private static readonly HashSet<int> None = [];

    private static void Add(Dictionary<(int, int), HashSet<int>> index, (int, int) key, int value)
    {
        if (!index.TryGetValue(key, out var set)) index[key] = set = [];
        set.Add(value);
    }
}
