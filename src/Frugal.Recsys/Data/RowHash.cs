namespace Frugal.Recsys.Data;

/// <summary>
/// Numbers derived from (seed, row, position) by hashing, so per-row values (a synthetic row's label effect, a
/// table row's initial value) need no storage and are the same in every process.
/// </summary>
internal static class RowHash
{
    /// <summary>A uniform double in [0, 1) for (seed, key, position).</summary>
    public static double Uniform(ulong seed, long key, int position)
    {
        var z = Mix(Mix(seed ^ (ulong)key * 0x9E3779B97F4A7C15UL) + (ulong)position * 0xD1B54A32D192ED03UL);
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    // SplitMix64's finaliser.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
