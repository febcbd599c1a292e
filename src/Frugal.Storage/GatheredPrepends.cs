namespace Frugal.Storage;

/// <summary>
/// The prepends a hot-to-cold round has gathered and not yet written to their cold index chunks, by entry (chunk and
/// slot): the entry's new word (the newest address put in front of it, and above that address the filter bits of every
/// key put there), and a 16-bit fingerprint of the address the entry held in its chunk when the round first read it
/// (checked when the chunk is written). An open-addressing table of two longs per slot, 16 bytes, where a dictionary of
/// the same (the address in the chunk, the head, the filter) took 48 per entry: within the same memory a round gathers
/// three times as many entries, so fewer rounds fill it up and write their chunks more than once (every extra write of
/// a chunk is a 288-byte record in the chunk log, and a read of the chunk when it is on disk).
/// </summary>
internal sealed class GatheredPrepends
{
    private const int SlotBytes = 2 * sizeof(long);
    private const long KeyMask = (1L << FingerprintShift) - 1;
    private const int FingerprintShift = 48;

    private readonly int _capacity;
    private long[] _keys = [];
    private long[] _heads = [];
    private int _drained;

    /// <param name="memoryBytes">The memory the table may take: as many 16-byte slots as fit (at least 64), three
    /// quarters of which it fills.</param>
    public GatheredPrepends(long memoryBytes)
    {
        _capacity = (int)Math.Clamp(memoryBytes / SlotBytes, 64, 1 << 26);
        Limit = _capacity / 4 * 3;
    }

    /// <summary>Entries gathered.</summary>
    public int Count { get; private set; }

    /// <summary>Entries at which the table is full (the caller writes the chunks and starts over).</summary>
    public int Limit { get; }

    /// <summary>The 16 bits of an entry's value that the table keeps to check it by.</summary>
    public static long Fingerprint(long value) => (value ^ (value >> 16) ^ (value >> 32) ^ (value >> 48)) & 0xFFFF;

    /// <summary>
    /// Puts <paramref name="head"/> (an entry word) in front of a gathered <paramref name="entry"/>, keeping the filter
    /// bits (those above the address) of the heads put there before, since a filter only ever gains keys; false (and
    /// nothing changed) when the entry is not gathered.
    /// </summary>
    public bool TrySwapHead(long entry, long head, out long previous)
    {
        var i = Find(entry);
        if (i < 0)
        {
            previous = 0;
            return false;
        }
        previous = _heads[i];
        _heads[i] = head | (previous & ~LogAddress.Mask);
        return true;
    }

    /// <summary>
    /// Gathers <paramref name="entry"/>, not gathered yet, with its new word <paramref name="head"/> and (by
    /// fingerprint) <paramref name="inChunk"/>, the address it holds in its chunk. The caller keeps <see cref="Count"/>
    /// below <see cref="Limit"/>.
    /// </summary>
    public void Add(long entry, long inChunk, long head)
    {
        if (Count >= Limit || _drained > 0)
            throw new InvalidOperationException("gathered prepends past their limit, or drained and not cleared");
        if (_keys.Length == 0)
        {
            // Allocated at a round's first prepend: a store that never compacts (a read-only open) never pays for it.
            _keys = new long[_capacity];
            _heads = new long[_capacity];
        }
        var i = Home(entry);
        while (_keys[i] != 0) i = Next(i);
        _keys[i] = (Fingerprint(inChunk) << FingerprintShift) | (entry + 1);
        _heads[i] = head;
        Count++;
    }

    /// <summary>The slot holding <paramref name="entry"/>, or -1.</summary>
    private int Find(long entry)
    {
        if (Count == 0) return -1;
        for (var i = Home(entry); _keys[i] != 0; i = Next(i))
            if ((_keys[i] & KeyMask) == entry + 1) return i;
        return -1;
    }

    /// <summary>Whether <paramref name="entry"/> is gathered.</summary>
    public bool Contains(long entry) => Find(entry) >= 0;

    /// <summary>
    /// Moves every gathered entry to the front of the table, sorted by entry (so each chunk's entries lie side by
    /// side), and returns how many there are; <see cref="Drained"/> reads them until <see cref="Clear"/>. In place, so
    /// writing a round's chunks allocates nothing of the table's size.
    /// </summary>
    public int Drain()
    {
        var n = 0;
        for (var i = 0; i < _keys.Length && n < Count; i++)
        {
            if (_keys[i] == 0) continue;
            // Entry in the high bits, fingerprint in the low 16: entries are unique, so the sort is by entry. Slot n
            // is at or before slot i, already read.
            _keys[n] = (((_keys[i] & KeyMask) - 1) << 16) | (long)((ulong)_keys[i] >> FingerprintShift);
            _heads[n++] = _heads[i];
        }
        if (n < _keys.Length) Array.Clear(_keys, n, _keys.Length - n);
        Array.Sort(_keys, _heads, 0, n);
        _drained = n;
        Count = 0;
        return n;
    }

    /// <summary>The <paramref name="i"/>th entry <see cref="Drain"/> sorted: its packed key (see <see cref="EntryOf"/>,
    /// <see cref="FingerprintOf"/>) and its new word.</summary>
    public (long Key, long Head) Drained(int i) => (_keys[i], _heads[i]);

    /// <summary>Empties the table after a <see cref="Drain"/>, for the next gathering.</summary>
    public void Clear()
    {
        Array.Clear(_keys, 0, _drained);
        _drained = 0;
    }

    /// <summary>The entry (chunk and slot) of a key that <see cref="Drain"/> returned.</summary>
    public static long EntryOf(long key) => key >>> 16;

    /// <summary>The fingerprint of a key that <see cref="Drain"/> returned.</summary>
    public static long FingerprintOf(long key) => key & 0xFFFF;

    /// <summary>The entry's first slot: its Fibonacci hash's high 32 bits scaled to the capacity.</summary>
    private int Home(long entry) =>
        (int)(((ulong)(entry * unchecked((long)0x9E3779B97F4A7C15)) >> 32) * (ulong)_capacity >> 32);

    private int Next(int slot) => slot + 1 == _capacity ? 0 : slot + 1;
}
