using Frugal.Core.Errors;

namespace Frugal.Recsys.Lookahead;

/// <summary>
/// The cache-capacity dry run (§6.4): a trainer's cache holds at most the distinct rows of batches
/// [i − C − 2, i + L] for some i, so the maximum of that count over the run bounds the capacity it needs.
/// </summary>
public static class CacheBound
{
    /// <summary>What <see cref="BadInputException.Setting"/> names when the capacity is too small.</summary>
    public const string CapacitySetting = "cache capacity";

    /// <summary>The maximum over i of the distinct rows in batches [i − before, i + after] of
    /// <paramref name="keysPerBatch"/> (each sorted and unique).</summary>
    public static int Compute(IEnumerable<long[]> keysPerBatch, int before, int after)
    {
        var width = before + after + 1;
        var window = new Queue<long[]>();
        var counts = new Dictionary<long, int>();
        var maximum = 0;
        foreach (var keys in keysPerBatch)
        {
            foreach (var key in keys) counts[key] = counts.GetValueOrDefault(key) + 1;
            window.Enqueue(keys);
            if (window.Count > width)
            {
                foreach (var key in window.Dequeue())
                    if (--counts[key] == 0) counts.Remove(key);
            }
            maximum = Math.Max(maximum, counts.Count);
        }
        return maximum;
    }

    /// <summary>The bound for Bagpipe with lookahead <paramref name="lookahead"/> and interval
    /// <paramref name="interval"/>.</summary>
    public static int ForBagpipe(IEnumerable<long[]> keysPerBatch, int lookahead, int interval) =>
        Compute(keysPerBatch, interval + 2, lookahead);

    /// <summary>Throws when <paramref name="capacity"/> rows are fewer than <paramref name="bound"/>.</summary>
    public static void Check(int capacity, int bound)
    {
        if (capacity < bound)
            throw new BadInputException(
                $"a cache of {capacity} rows is too small: the dry run over the data needs {bound} rows",
                    CapacitySetting);
    }
}
