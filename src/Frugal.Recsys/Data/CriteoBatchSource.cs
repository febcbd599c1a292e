using Frugal.Learning.Data;

namespace Frugal.Recsys.Data;

/// <summary>
/// Batches from a Criteo Kaggle TSV file (read by <see cref="CriteoReader"/>, whose errors name file, line and
/// field): dense features ln(1 + max(x, 0)) with an empty value as 0; a category's 32-bit hash maps to row
/// 1 + hash mod (n_t − 1), and an empty category to the reserved row 0.
/// </summary>
public sealed class CriteoBatchSource : IBatchSource
{
    private readonly IEnumerator<CriteoExample> _examples;
    private readonly int[] _cardinalities;

    /// <param name="path">The TSV file.</param>
    /// <param name="cardinalities">Rows per table: 26 tables, each of at least 2 rows.</param>
    public CriteoBatchSource(string path, IReadOnlyList<int> cardinalities)
    {
        if (cardinalities.Count != CriteoExample.CategoricalCount || cardinalities.Any(n => n < 2))
            throw new ArgumentException("Criteo needs 26 tables of at least 2 rows.", nameof(cardinalities));
        _cardinalities = [.. cardinalities];
        _examples = CriteoReader.Read(path).GetEnumerator();
    }

    /// <inheritdoc />
    public CtrBatch? Next(int size)
    {
        var batch = new CtrBatch(size, _cardinalities.Length);
        for (var s = 0; s < size; s++)
        {
            if (!_examples.MoveNext()) return null;
            var example = _examples.Current;
            batch.Labels[s] = (byte)example.Label;
            for (var j = 0; j < CtrBatch.DenseCount; j++)
                batch.Dense[s * CtrBatch.DenseCount + j] = (float)Math.Log(1 + Math.Max(example.Integers[j] ?? 0, 0));
            for (var t = 0; t < _cardinalities.Length; t++)
                batch.Ids[s * _cardinalities.Length + t] = example.Categoricals[t] is { } hash
                    ? 1 + (int)(hash % (uint)(_cardinalities[t] - 1))
                    : 0;
        }
        return batch;
    }

    /// <inheritdoc />
    public void Dispose() => _examples.Dispose();
}
