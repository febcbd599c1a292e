using Frugal.Recsys.Data;

namespace Frugal.Recsys.Cluster;

/// <summary>
/// A trainer's embedding cache (§2): a [capacity, d] table of rows, maps between keys and slots, and per slot the
/// last batch that needs it (expiry), the lifetime it was read at, and, for a row last updated without
/// synchronisation, its owner. A miss, a full cache or a second install of a row is a bug and fails loudly.
/// Callers hold <see cref="Sync"/> while they use it (the prefetcher and the training loop share it); every member
/// checks that, so a caller that forgets fails at once instead of racing now and then.
/// </summary>
internal sealed class RowCache(int capacity, int dim)
{
    private readonly Dictionary<long, int> _slots = new(capacity);
    private readonly long[] _keys = new long[capacity];
    private readonly int[] _expiry = new int[capacity];
    private readonly int[] _lifetime = new int[capacity];
    private readonly int[] _owner = new int[capacity];
    private readonly float[] _rows = new float[(long)capacity * dim];
    private readonly Stack<int> _free = new(Enumerable.Range(0, capacity).Reverse());

    public Lock Sync { get; } = new();

    public int Count => Held()._slots.Count;

    /// <summary>The most rows held at once.</summary>
    public int MaxOccupancy { get; private set; }

    public bool Contains(long key) => Held()._slots.ContainsKey(key);

    public Span<float> Row(long key, int batch) => Held()._slots.TryGetValue(key, out var slot)
        ? _rows.AsSpan(slot * dim, dim)
        : throw new InvalidOperationException(
            $"cache miss: row ({RowKey.Table(key)}, {RowKey.Id(key)}) is not cached at batch {batch}");

    public int Lifetime(long key) => _lifetime[Held()._slots[key]];

    public void Install(long key, ReadOnlySpan<float> row, int expiry, int lifetime)
    {
        Held();
        if (_slots.ContainsKey(key))
            throw new InvalidOperationException($"row ({RowKey.Table(key)}, {RowKey.Id(key)}) is already cached");
        if (!_free.TryPop(out var slot))
            throw new InvalidOperationException($"the cache of {capacity} rows is full");
        _slots[key] = slot;
        _keys[slot] = key;
        _expiry[slot] = expiry;
        _lifetime[slot] = lifetime;
        _owner[slot] = -1;
        row.CopyTo(_rows.AsSpan(slot * dim, dim));
        MaxOccupancy = Math.Max(MaxOccupancy, _slots.Count);
    }

    /// <summary>Extends a cached row's expiry (never shortens it).</summary>
    public void Extend(long key, int expiry)
    {
        if (!Held()._slots.TryGetValue(key, out var slot))
            throw new InvalidOperationException(
                $"expiry update for row ({RowKey.Table(key)}, {RowKey.Id(key)}), which is not cached");
        _expiry[slot] = Math.Max(_expiry[slot], expiry);
    }

    /// <summary>Records that <paramref name="owner"/> alone updated the row: only it may write the row back.</summary>
    public void MarkUnsynchronised(long key, int owner)
    {
        if (Held()._slots.TryGetValue(key, out var slot)) _owner[slot] = owner;
    }

    /// <summary>Removes the rows whose expiry is below <paramref name="before"/>; returns them sorted by key with
    /// their owner (−1 = synchronised), lifetime and values.</summary>
    public List<(long Key, int Owner, int Lifetime, float[] Row)> Evict(int before)
    {
        var evicted = new List<(long, int, int, float[])>();
        foreach (var (key, slot) in Held()._slots)
        {
            if (_expiry[slot] >= before) continue;
            evicted.Add((key, _owner[slot], _lifetime[slot], _rows.AsSpan(slot * dim, dim).ToArray()));
        }
        foreach (var (key, _, _, _) in evicted) _free.Push(Remove(key));
        evicted.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return evicted;
    }

    /// <summary>Drops a row without writing it back.</summary>
    public int Remove(long key)
    {
        var slot = Held()._slots[key];
        _slots.Remove(key);
        return slot;
    }

    private RowCache Held() => Sync.IsHeldByCurrentThread
        ? this
        : throw new InvalidOperationException("the row cache was used without holding its lock");

    /// <summary>Drops a row and frees its slot.</summary>
    public void Drop(long key) => _free.Push(Remove(key));
}
