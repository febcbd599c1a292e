using Frugal.Recsys.Data;
using Frugal.Storage;

namespace Frugal.Recsys.Cluster;

/// <summary>The embedding tables' shape and their seeded initial values.</summary>
/// <param name="Cardinalities">Rows per table.</param>
/// <param name="Dim">Floats per row.</param>
/// <param name="Seed">The seed rows are initialised from.</param>
public sealed record TableShape(int[] Cardinalities, int Dim, ulong Seed)
{
    /// <summary>Rows in all tables.</summary>
    public long Rows => Cardinalities.Sum(n => (long)n);

    /// <summary>Writes row <paramref name="key"/>'s initial value, uniform on ±√(1/n_t) and a function of
    /// (seed, table, id) alone, so every run and every store starts from identical tables.</summary>
    public void Initial(long key, Span<float> row)
    {
        var bound = Math.Sqrt(1.0 / Cardinalities[RowKey.Table(key)]);
        for (var j = 0; j < row.Length; j++) row[j] = (float)((RowHash.Uniform(Seed, key, j) * 2 - 1) * bound);
    }
}

/// <summary>Where the embedding server keeps rows: batched reads and writes of whole rows by key.</summary>
public interface IEmbeddingStore : IDisposable
{
    /// <summary>
    /// Reads the rows of <paramref name="keys"/> into <paramref name="rows"/> (d floats each, in order).
    /// </summary>
    ValueTask ReadAsync(long[] keys, float[] rows);

    /// <summary>Writes the rows of <paramref name="keys"/> from <paramref name="rows"/>.</summary>
    void Write(long[] keys, float[] rows);
}

/// <summary>All tables as dense float arrays in memory (the default store).</summary>
public sealed class MemoryEmbeddingStore : IEmbeddingStore
{
    private readonly float[][] _tables;
    private readonly int _dim;

    /// <summary>Tables of <paramref name="shape"/>, every row at its initial value.</summary>
    public MemoryEmbeddingStore(TableShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _dim = shape.Dim;
        _tables = new float[shape.Cardinalities.Length][];
        for (var t = 0; t < _tables.Length; t++)
        {
            _tables[t] = new float[(long)shape.Cardinalities[t] * _dim];
            for (var id = 0; id < shape.Cardinalities[t]; id++)
                shape.Initial(RowKey.Of(t, id), _tables[t].AsSpan(id * _dim, _dim));
        }
    }

    /// <inheritdoc />
    public ValueTask ReadAsync(long[] keys, float[] rows)
    {
        for (var i = 0; i < keys.Length; i++)
            _tables[RowKey.Table(keys[i])].AsSpan(RowKey.Id(keys[i]) * _dim, _dim).CopyTo(rows.AsSpan(i * _dim, _dim));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Write(long[] keys, float[] rows)
    {
        for (var i = 0; i < keys.Length; i++)
            rows.AsSpan(i * _dim, _dim).CopyTo(_tables[RowKey.Table(keys[i])].AsSpan(RowKey.Id(keys[i]) * _dim, _dim));
    }

    /// <inheritdoc />
    public void Dispose() { }
}

/// <summary>
/// Rows in Frugal.Storage's key-value store (F2): key = the 8-byte (table, id), value = the row's d float32s. A row
/// never written is read at its initial value, so a table larger than the memory budget costs nothing until used.
/// </summary>
public sealed class KvEmbeddingStore : IEmbeddingStore
{
    private readonly KvStore _store;
    private readonly TableShape _shape;

    /// <summary>A store in <paramref name="directory"/> within <paramref name="memoryBudget"/> bytes.</summary>
    public KvEmbeddingStore(TableShape shape, string directory, long memoryBudget)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _shape = shape;
        _store = KvStore.Open(new KvStoreOptions { Directory = directory, MemoryBudget = memoryBudget });
    }

    /// <inheritdoc />
    public async ValueTask ReadAsync(long[] keys, float[] rows)
    {
        var dim = _shape.Dim;
        var bytes = new byte[rows.Length * 4];
        var reads = new ValueTask<ReadResult>[keys.Length];
        var keyBytes = new byte[keys.Length * 8];
        for (var i = 0; i < keys.Length; i++)
        {
            BitConverter.TryWriteBytes(keyBytes.AsSpan(i * 8, 8), keys[i]);
            reads[i] = _store.ReadAsync(keyBytes.AsMemory(i * 8, 8), bytes.AsMemory(i * dim * 4, dim * 4));
        }
        for (var i = 0; i < keys.Length; i++)
        {
            var result = await reads[i];
            if (result.Found) Buffer.BlockCopy(bytes, i * dim * 4, rows, i * dim * 4, dim * 4);
            else _shape.Initial(keys[i], rows.AsSpan(i * dim, dim));
        }
    }

    /// <inheritdoc />
    public void Write(long[] keys, float[] rows)
    {
        var dim = _shape.Dim;
        Span<byte> key = stackalloc byte[8];
        var value = System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.AsSpan());
        for (var i = 0; i < keys.Length; i++)
        {
            BitConverter.TryWriteBytes(key, keys[i]);
            _store.Upsert(key, value.Slice(i * dim * 4, dim * 4));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();
}
