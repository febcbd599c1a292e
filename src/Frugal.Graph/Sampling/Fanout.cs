using System.Globalization;
using Frugal.Core.Errors;

namespace Frugal.Graph.Sampling;

/// <summary>
/// How many neighbours each hop samples, from the targets outwards: a positive count samples that many uniformly
/// without replacement (all when fewer), <see cref="All"/> takes every neighbour.
/// </summary>
internal static class Fanout
{
    public const int All = -1;

    /// <summary>Parses "15,10,5" or "all,all" (one entry per layer).</summary>
    public static int[] Parse(string text, string setting)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var fanouts = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Equals("all", StringComparison.OrdinalIgnoreCase)) fanouts[i] = All;
            else if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out fanouts[i])
                     || fanouts[i] < 1)
                throw new BadInputException($"fanouts: '{parts[i]}' is neither a positive count nor 'all'", setting);
        }
        if (fanouts.Length is < 1 or > 3)
            throw new BadInputException($"fanouts: {fanouts.Length} layers; 1 to 3 are supported", setting);
        return fanouts;
    }

    /// <summary>Writes up to <paramref name="fanout"/> of the neighbours in [start, end) to
    /// <paramref name="chosen"/> (uniform without replacement, Floyd's algorithm); returns how many.</summary>
    public static int Choose(NeighborGraph graph, int row, int fanout, Random random, Span<int> chosen)
    {
        var start = graph.Offsets[row];
        var degree = graph.Offsets[row + 1] - start;
        if (fanout == All || degree <= fanout)
        {
            graph.Neighbours.AsSpan(start, degree).CopyTo(chosen);
            return degree;
        }
        var picked = chosen[..fanout];
        var count = 0;
        for (var j = degree - fanout; j < degree; j++)
        {
            var t = random.Next(j + 1);
            var taken = picked[..count].Contains(t);
            picked[count++] = taken ? j : t;
        }
        for (var i = 0; i < fanout; i++) picked[i] = graph.Neighbours[start + picked[i]];
        return fanout;
    }

    /// <summary>An upper bound on the rows a sample of <paramref name="targets"/> asks for: the targets and each
    /// hop's frontier, every count capped at the <paramref name="available"/> rows.</summary>
    public static long SampledRows(long targets, int[] fanouts, long available)
    {
        long rows = targets, frontier = targets;
        foreach (var f in fanouts)
        {
            frontier = f == All ? available : Math.Min(available, frontier * f);
            rows = Math.Min(available, rows + frontier);
        }
        return rows;
    }

    /// <summary>The most neighbours a hop can yield for one node.</summary>
    public static int Bound(NeighborGraph graph, int fanout)
    {
        if (fanout != All) return fanout;
        var max = 0;
        for (var r = 0; r < graph.Rows; r++) max = Math.Max(max, graph.Offsets[r + 1] - graph.Offsets[r]);
        return max;
    }
}
