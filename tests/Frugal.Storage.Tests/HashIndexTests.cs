namespace Frugal.Storage.Tests;

public sealed unsafe class HashIndexTests
{
    [Fact]
    public void ConcurrentCreatorsOfOneTagAgreeOnOneSlot()
    {
        // 4 buckets for 2000 hashes: long overflow chains and constant tag races.
        using var index = new HashIndex(4);
        var hashes =
            Enumerable.Range(0, 2000).Select(i => (ulong)Frugal.Core.Distributions.YcsbScrambledZipfian.FnvHash64(i))
            .ToArray();
        var slots = new IntPtr[4, hashes.Length];
        Parallel.For(0, 4, t =>
        {
            for (var i = 0; i < hashes.Length; i++)
            {
                var h = hashes[(i + t * 500) % hashes.Length];
                slots[t, (i + t * 500) % hashes.Length] = (IntPtr)index.FindOrCreate(h, out _);
            }
        });
        for (var i = 0; i < hashes.Length; i++)
        {
            for (var t = 1; t < 4; t++) Assert.Equal(slots[0, i], slots[t, i]);
            Assert.True(index.TryFind(hashes[i], out var found, out _));
            Assert.Equal(slots[0, i], (IntPtr)found);
        }
        Assert.True(index.OverflowBuckets > 0);
    }

    [Fact]
    public void AnEntryChangesOnlyByCompareAndSwapOfTheWholeWord()
    {
        using var index = new HashIndex(64);
        var slot = index.FindOrCreate(12345, out var entry);
        Assert.Equal(0, HashIndex.Address(entry));
        var updated = HashIndex.WithAddress(entry, 4096);
        Assert.Equal(entry, Interlocked.CompareExchange(ref *slot, updated, entry));
        Assert.True(index.TryFind(12345, out _, out var seen));
        Assert.Equal(4096, HashIndex.Address(seen));
        // A stale expected value loses.
        Assert.NotEqual(entry, Interlocked.CompareExchange(ref *slot, HashIndex.WithAddress(entry, 8192), entry));
    }

    [Fact]
    public void DirectHashesGiveEveryKeyASlotOfItsOwnWithoutOverflow()
    {
        using var index = new HashIndex(16);
        var ids = Enumerable.Range(0, 16 * HashIndex.DirectKeysPerBucket).ToArray();
        var slots = ids.Select(id => (IntPtr)index.FindOrCreate(HashIndex.DirectHash(id), out _)).ToArray();

        Assert.Equal(ids.Length, slots.Distinct().Count());
        Assert.Equal(0, index.OverflowBuckets);
        foreach (var id in ids)
        {
            Assert.Equal(id / HashIndex.DirectKeysPerBucket, index.BucketOf(HashIndex.DirectHash(id)));
            Assert.True(index.TryFind(HashIndex.DirectHash(id), out var found, out _));
            Assert.Equal(slots[id], (IntPtr)found);
        }
    }
}
