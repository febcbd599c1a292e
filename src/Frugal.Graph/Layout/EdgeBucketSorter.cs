using System.Buffers.Binary;
using Frugal.Learning.Data;

namespace Frugal.Graph.Layout;

/// <summary>
/// Sorts edges by bucket (part(src), part(dst)) into edges.bin and its offsets into buckets.idx, holding at most
/// a bounded number of edges in memory: each full chunk is counting-sorted by bucket into a run file, and the runs
/// are merged bucket by bucket (each run is read sequentially once). Within a bucket edges keep their input order.
/// </summary>
internal sealed class EdgeBucketSorter(GraphMeta meta, string workFolder, int maxEdgesInMemory) : IDisposable
{
    private readonly int _buckets = checked(meta.Partitions * meta.Partitions);
    private readonly List<(string Path, long[] Counts)> _runs = [];
    private readonly Triple[] _chunk = new Triple[Math.Max(1, maxEdgesInMemory)];
    private int _filled;

    /// <summary>How many sorted runs went to disk (0 when every edge fitted in memory).</summary>
    public int SpilledRuns => _runs.Count;

    /// <summary>The edges added.</summary>
    public long Count { get; private set; }

    private int BucketOf(Triple e) => meta.PartitionOf(e.Head) * meta.Partitions + meta.PartitionOf(e.Tail);

    public void Add(Triple edge)
    {
        if (_filled == _chunk.Length) Spill();
        _chunk[_filled++] = edge;
        Count++;
    }

    /// <summary>Writes edges.bin and buckets.idx.</summary>
    public void Finish(string edgesPath, string bucketsPath)
    {
        var totals = new long[_buckets];
        using (var output = new BufferedStream(File.Create(edgesPath), 1 << 20))
        {
            if (_runs.Count == 0)
                WriteSorted(output, totals);
            else
            {
                if (_filled > 0) Spill();
                Merge(output, totals);
            }
        }
        using var index = new BinaryWriter(File.Create(bucketsPath));
        long offset = 0;
        index.Write(offset);
        foreach (var count in totals) index.Write(offset += count);
    }

    private void Spill()
    {
        var path = Path.Combine(workFolder, $"run-{_runs.Count}.tmp");
        var counts = new long[_buckets];
        using (var output = new BufferedStream(File.Create(path), 1 << 20)) WriteSorted(output, counts);
        _runs.Add((path, counts));
        _filled = 0;
    }

    // Counting sort of the chunk by bucket: stable, O(n + p²).
    private void WriteSorted(Stream output, long[] counts)
    {
        var start = new int[_buckets + 1];
        for (var i = 0; i < _filled; i++) start[BucketOf(_chunk[i]) + 1]++;
        for (var b = 0; b < _buckets; b++)
        {
            counts[b] += start[b + 1];
            start[b + 1] += start[b];
        }
        var order = new int[_filled];
        for (var i = 0; i < _filled; i++) order[start[BucketOf(_chunk[i])]++] = i;
        Span<byte> record = stackalloc byte[GraphFiles.EdgeBytes];
        foreach (var i in order) Write(output, _chunk[i], record);
    }

    private void Merge(Stream output, long[] totals)
    {
        var readers = _runs.Select(r => new BufferedStream(File.OpenRead(r.Path), 1 << 16)).ToArray();
        try
        {
            var buffer = new byte[1 << 16];
            for (var b = 0; b < _buckets; b++)
                for (var r = 0; r < _runs.Count; r++)
                {
                    var remaining = _runs[r].Counts[b] * GraphFiles.EdgeBytes;
                    totals[b] += _runs[r].Counts[b];
                    while (remaining > 0)
                    {
                        var n = readers[r].Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                        if (n == 0) throw new EndOfStreamException($"sort run {_runs[r].Path} ended early");
                        output.Write(buffer, 0, n);
                        remaining -= n;
                    }
                }
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
        }
    }

    internal static void Write(Stream output, Triple e, Span<byte> record)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, e.Head);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], e.Relation);
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], e.Tail);
        output.Write(record);
    }

    public void Dispose()
    {
        foreach (var (path, _) in _runs) File.Delete(path);
    }
}
