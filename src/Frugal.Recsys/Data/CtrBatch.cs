namespace Frugal.Recsys.Data;

/// <summary>
/// A batch of click-through samples, column by column: a label, <see cref="DenseCount"/> dense features and one
/// categorical id per embedding table (single-hot, as in Criteo).
/// </summary>
public sealed class CtrBatch
{
    /// <summary>Dense features per sample (Criteo's I1–I13).</summary>
    public const int DenseCount = 13;

    /// <summary>An empty batch of <paramref name="size"/> samples over <paramref name="tables"/> tables.</summary>
    public CtrBatch(int size, int tables)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(tables, 1);
        Size = size;
        Tables = tables;
        Labels = new byte[size];
        Dense = new float[size * DenseCount];
        Ids = new int[size * tables];
    }

    /// <summary>Samples in the batch.</summary>
    public int Size { get; }

    /// <summary>Embedding tables (categorical features per sample).</summary>
    public int Tables { get; }

    /// <summary>1 = clicked, 0 = not, one per sample.</summary>
    public byte[] Labels { get; }

    /// <summary>Dense features, sample-major: <c>[sample * DenseCount + feature]</c>.</summary>
    public float[] Dense { get; }

    /// <summary>Row ids, sample-major: <c>[sample * Tables + table]</c>.</summary>
    public int[] Ids { get; }

    /// <summary>The samples [<paramref name="start"/>, <paramref name="end"/>) as a batch of their own.</summary>
    public CtrBatch Slice(int start, int end)
    {
        var slice = new CtrBatch(end - start, Tables);
        Labels.AsSpan(start, end - start).CopyTo(slice.Labels);
        Dense.AsSpan(start * DenseCount, (end - start) * DenseCount).CopyTo(slice.Dense);
        Ids.AsSpan(start * Tables, (end - start) * Tables).CopyTo(slice.Ids);
        return slice;
    }
}

/// <summary>Where a run's batches come from: the synthetic generator, a batch file, or a Criteo TSV file.</summary>
public interface IBatchSource : IDisposable
{
    /// <summary>The next <paramref name="size"/> samples, or null when fewer than that remain.</summary>
    CtrBatch? Next(int size);
}

/// <summary>Embedding rows are named by (table, id), packed into one 64-bit key that sorts by table, then id.</summary>
public static class RowKey
{
    /// <summary>The key of row <paramref name="id"/> of <paramref name="table"/>.</summary>
    public static long Of(int table, int id) => ((long)table << 32) | (uint)id;

    /// <summary>The table of <paramref name="key"/>.</summary>
    public static int Table(long key) => (int)(key >> 32);

    /// <summary>The row id of <paramref name="key"/>.</summary>
    public static int Id(long key) => (int)(key & 0xFFFFFFFF);
}
