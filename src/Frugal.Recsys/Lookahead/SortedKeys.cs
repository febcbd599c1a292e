namespace Frugal.Recsys.Lookahead;

/// <summary>Set operations on sorted arrays of row keys.</summary>
internal static class SortedKeys
{
    /// <summary>The keys of <paramref name="a"/> that are (or, with <paramref name="keep"/> false, are not) in
    /// <paramref name="b"/>.</summary>
    public static long[] Filter(long[] a, long[] b, bool keep)
    {
        var result = new List<long>(a.Length);
        var j = 0;
        foreach (var key in a)
        {
            while (j < b.Length && b[j] < key) j++;
            var found = j < b.Length && b[j] == key;
            if (found == keep) result.Add(key);
        }
        return [.. result];
    }

    /// <summary>The union of several sorted arrays, sorted, without duplicates.</summary>
    public static long[] Union(IEnumerable<long[]> arrays)
    {
        var all = arrays.SelectMany(a => a).ToArray();
        Array.Sort(all);
        return Distinct(all);
    }

    /// <summary>A sorted array without its duplicates.</summary>
    public static long[] Distinct(long[] sorted)
    {
        if (sorted.Length == 0) return sorted;
        var count = 1;
        for (var i = 1; i < sorted.Length; i++)
            if (sorted[i] != sorted[count - 1]) sorted[count++] = sorted[i];
        return sorted[..count];
    }

    /// <summary>The contiguous share of <paramref name="count"/> items that rank <paramref name="rank"/> of
    /// <paramref name="parts"/> takes: [rank·count/parts, (rank+1)·count/parts), the last taking the
    /// remainder.</summary>
    public static (int Start, int End) Share(int count, int rank, int parts) =>
        ((int)((long)rank * count / parts), (int)((long)(rank + 1) * count / parts));
}
