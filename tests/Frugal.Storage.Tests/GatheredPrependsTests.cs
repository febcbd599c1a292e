namespace Frugal.Storage.Tests;

/// <summary>
/// The table of a hot-to-cold round's gathered prepends: its capacity from its memory, the newest head per entry, and
/// its entries handed back in entry order with the fingerprint of what each held in its chunk.
/// </summary>
public sealed class GatheredPrependsTests
{
    [Fact]
    public void ItFillsThreeQuartersOfTheSlotsItsMemoryHolds()
    {
        Assert.Equal(780, new GatheredPrepends(16_640).Limit);
        Assert.Equal(48, new GatheredPrepends(0).Limit);
    }

    [Fact]
    public void AnEntryKeepsItsNewestHeadAndDrainsInEntryOrderWithItsFingerprint()
    {
        var table = new GatheredPrepends(1 << 12);
        long[] entries = [900, 3, 77, 64, 65];
        foreach (var entry in entries) table.Add(entry, inChunk: entry * 1000 + 8, head: entry * 10);
        Assert.True(table.Contains(77));
        Assert.False(table.Contains(78));
        Assert.True(table.TrySwapHead(77, 123456, out var previous));
        Assert.Equal(770, previous);
        Assert.False(table.TrySwapHead(78, 1, out _));
        Assert.Equal(5, table.Count);

        var count = table.Drain();
        Assert.Equal(5, count);
        Assert.Equal(0, table.Count);
        var drained = Enumerable.Range(0, count).Select(table.Drained).ToArray();
        Assert.Equal([3L, 64, 65, 77, 900], drained.Select(d => GatheredPrepends.EntryOf(d.Key)));
        Assert.Equal([30L, 640, 650, 123456, 9000], drained.Select(d => d.Head));
        foreach (var (key, _) in drained)
        {
            var entry = GatheredPrepends.EntryOf(key);
            Assert.Equal(GatheredPrepends.Fingerprint(entry * 1000 + 8), GatheredPrepends.FingerprintOf(key));
        }
        Assert.Throws<InvalidOperationException>(() => table.Add(5, 0, 1));

        table.Clear();
        Assert.False(table.Contains(77));
        table.Add(77, 0, 1);
        Assert.True(table.TrySwapHead(77, 2, out previous));
        Assert.Equal(1, previous);
    }

    [Fact]
    public void ASwapKeepsTheFilterBitsOfTheHeadsBefore()
    {
        var table = new GatheredPrepends(1 << 12);
        const long first = (1L << 50) | (1L << 61), second = (1L << 49) | (1L << 50);
        table.Add(7, inChunk: 0, head: first | 1000);
        Assert.True(table.TrySwapHead(7, second | 2000, out var previous));
        Assert.Equal(first | 1000, previous);
        Assert.True(table.TrySwapHead(7, 3000, out previous));
        Assert.Equal(first | second | 2000, previous);

        table.Drain();
        Assert.Equal(first | second | 3000, table.Drained(0).Head);
    }

    [Fact]
    public void AFingerprintTellsApartAddressesThatDifferInAnyOfTheirLow48Bits()
    {
        var fingerprints = new HashSet<long>();
        for (var bit = 3; bit < 48; bit++) fingerprints.Add(GatheredPrepends.Fingerprint(1L << bit));
        Assert.DoesNotContain(GatheredPrepends.Fingerprint(0), fingerprints);
    }

    [Fact]
    public void AddingPastTheLimitThrows()
    {
        var table = new GatheredPrepends(0);
        for (var entry = 0; entry < table.Limit; entry++) table.Add(entry, 0, entry);
        Assert.Throws<InvalidOperationException>(() => table.Add(table.Limit, 0, 1));
    }
}
