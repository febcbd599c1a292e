namespace Frugal.Storage;

/// <summary>
/// Live records a hot-to-cold round has found and not yet moved: copies of the records (the scan's page buffer is
/// reused) and their keys' hashes, so that the cold-index chunks they need can be read all at once.
/// </summary>
internal sealed class LiveBatch
{
    /// <summary>Records per batch: enough chunk reads to keep a device busy, little memory (about 0.5 MiB).</summary>
    public const int Capacity = 4096;

    private readonly ulong[] _hashes = new ulong[Capacity];
    private readonly int[] _ends = new int[Capacity];
    private byte[] _bytes = new byte[Capacity * 128];

    public int Count { get; private set; }

    public ReadOnlySpan<ulong> Hashes => _hashes.AsSpan(0, Count);

    /// <summary>Adds a copy of <paramref name="record"/>; true when the batch is full.</summary>
    public bool Add(ulong hash, ReadOnlySpan<byte> record)
    {
        var start = Count == 0 ? 0 : _ends[Count - 1];
        if (start + record.Length > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(2 * _bytes.Length, start + record.Length));
        record.CopyTo(_bytes.AsSpan(start));
        _hashes[Count] = hash;
        _ends[Count++] = start + record.Length;
        return Count == Capacity;
    }

    public ReadOnlySpan<byte> Record(int i)
    {
        var start = i == 0 ? 0 : _ends[i - 1];
        return _bytes.AsSpan(start, _ends[i] - start);
    }

    public void Clear() => Count = 0;
}
