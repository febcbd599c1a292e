namespace Frugal.Storage;

internal sealed unsafe partial class LogStore
{
    /// <summary>
    /// Puts a record just read from disk or the cold tier (or a second-chance hit) in front of
    /// its hash chain. The compare-and-swap expects the entry seen before the read, and Begin
    /// must not have passed the tail of that moment: otherwise a newer version may have been
    /// written and even compacted meanwhile, and the copy is dropped. So the cache never holds a
    /// version older than the newest in this log or a tier below it. A key with no entry before
    /// the read gets one now, if still none has an address. At most one cached record heads a
    /// chain. The caller is protected.
    /// </summary>
    private void InsertIntoReadCache(
        ReadOnlySpan<byte> key, ulong hash, ReadOnlySpan<byte> value, long expected, long tail)
    {
        if (_cache is null || _log.BeginAddress > tail) return;
        long* slot;
        long entry;
        if (HashIndex.Address(expected) == LogAddress.None)
        {
            slot = _index.FindOrCreate(hash, out entry);
            if (HashIndex.Address(entry) != LogAddress.None) return;
        }
        else if (!_index.TryFind(hash, out slot, out entry) || entry != expected) return;
        if (!_cache.TryAllocate(Record.Size(key.Length, value.Length), out var at)) return;
        var newest = Resolve(entry, out var replaced);
        var fresh = _cache.Pointer(at);
        Record.Write(fresh, newest, _versionBits, key, value);
        var cachedEntry = HashIndex.WithAddress(entry, at | LogAddress.ReadCacheBit);
        if (Interlocked.CompareExchange(ref *slot, cachedEntry, entry) != entry)
        {
            Record.SetFlag(fresh, Record.InvalidBit);
            return;
        }
        if (replaced != null) Record.SetFlag(replaced, Record.InvalidBit);
    }

    /// <summary>
    /// Before the cache's frames for [from, to) are reused: every index entry still pointing at
    /// one of their records goes back to the record's main-log address. Runs as an epoch action,
    /// and the frames are cleared only one epoch later, after any reader that saw the old entry left.
    /// </summary>
    private void EvictFromReadCache(long from, long to)
    {
        var cache = _cache!;
        for (var page = from; page < to; page += cache.PageSize)
        {
            var end = Math.Min(to, page + cache.PageSize);
            for (var address = Math.Max(page, LogAddress.FirstAddress); address + Record.HeaderSize <= end;)
            {
                var record = cache.Pointer(address);
                var header = Record.Header(record);
                if (header == 0) break; // the unused end of the page
                var key = Record.Key(record);
                var cachedHere = _index.TryFind(HashOf(key), out var slot, out var entry)
                    && HashIndex.Address(entry) == (address | LogAddress.ReadCacheBit);
                if (cachedHere)
                    Interlocked.CompareExchange(
                        ref *slot, HashIndex.WithAddress(entry, Record.Previous(header)), entry);
                address += Record.Size(key.Length, Record.ValueLength(record));
            }
        }
    }
}
