using Frugal.Graph.Layout;
using Frugal.Graph.Storage;
using Frugal.Learning.Data;

namespace Frugal.Graph.Sampling;

/// <summary>
/// The neighbours of every buffer row (incoming and outgoing together) in CSR form: the neighbours of row r are
/// <c>Neighbours[Offsets[r]..Offsets[r+1]]</c>, in edge order. Built per buffer state from the state's edges, in
/// local row ids, so sampling never leaves the buffer.
/// </summary>
internal sealed class NeighborGraph
{
    private NeighborGraph(int[] offsets, int[] neighbours)
    {
        Offsets = offsets;
        Neighbours = neighbours;
    }

    public int[] Offsets { get; }

    public int[] Neighbours { get; }

    public int Rows => Offsets.Length - 1;

    /// <summary>Bytes held (for the memory budget).</summary>
    public long Bytes => (Offsets.LongLength + Neighbours.LongLength) * sizeof(int);

    /// <summary>Builds the graph over <paramref name="rows"/> rows; <paramref name="localRow"/> maps node ids to
    /// rows (every endpoint of <paramref name="edges"/> must be resident). With <paramref name="selfLoops"/> every
    /// row is also its own neighbour, last in its list (DGL's AddSelfLoop).</summary>
    public static NeighborGraph Build(int rows, ReadOnlySpan<Triple> edges, Func<int, int> localRow,
        bool selfLoops = false)
    {
        var offsets = new int[rows + 1];
        if (selfLoops) Array.Fill(offsets, 1, 1, rows);
        var ends = new (int U, int V)[edges.Length];
        for (var i = 0; i < edges.Length; i++)
        {
            var (u, v) = (localRow(edges[i].Head), localRow(edges[i].Tail));
            ends[i] = (u, v);
            offsets[u + 1]++;
            offsets[v + 1]++;
        }
        for (var r = 0; r < rows; r++) offsets[r + 1] += offsets[r];
        var fill = offsets[..^1].ToArray();
        var neighbours = new int[offsets[rows]];
        foreach (var (u, v) in ends)
        {
            neighbours[fill[u]++] = v;
            neighbours[fill[v]++] = u;
        }
        if (selfLoops)
            for (var r = 0; r < rows; r++) neighbours[fill[r]++] = r;
        return new NeighborGraph(offsets, neighbours);
    }

    /// <summary>
    /// The graph of every node, in node ids, read from the layout's edge buckets one source partition at a time
    /// (two passes: degrees, then neighbours), so only the index and one row of buckets are held. Equal to
    /// <see cref="Build"/> over all edges in bucket order.
    /// </summary>
    public static NeighborGraph OfLayout(GraphLayout layout, bool selfLoops, IoCounters? io = null)
    {
        var rows = layout.Meta.Nodes;
        var offsets = new int[rows + 1];
        if (selfLoops) Array.Fill(offsets, 1, 1, rows);
        foreach (var edges in SourceRows(layout, io))
            foreach (var e in edges)
            {
                offsets[e.Head + 1]++;
                offsets[e.Tail + 1]++;
            }
        for (var r = 0; r < rows; r++) offsets[r + 1] += offsets[r];
        var fill = offsets[..^1].ToArray();
        var neighbours = new int[offsets[rows]];
        foreach (var edges in SourceRows(layout, io))
            foreach (var e in edges)
            {
                neighbours[fill[e.Head]++] = e.Tail;
                neighbours[fill[e.Tail]++] = e.Head;
            }
        if (selfLoops)
            for (var r = 0; r < rows; r++) neighbours[fill[r]++] = r;
        return new NeighborGraph(offsets, neighbours);
    }

    /// <summary>What <see cref="OfLayout"/> holds at its peak: the index, its fill cursors and one row of buckets
    /// (estimated as E / p edges).</summary>
    public static long LayoutBytes(GraphMeta meta, bool selfLoops) =>
        ((long)meta.Nodes * 2 + 1 + 2 * meta.Edges + (selfLoops ? meta.Nodes : 0)) * sizeof(int)
        + meta.Edges / meta.Partitions * GraphFiles.EdgeBytes;

    private static IEnumerable<Triple[]> SourceRows(GraphLayout layout, IoCounters? io)
    {
        var p = layout.Meta.Partitions;
        for (var i = 0; i < p; i++)
            yield return layout.ReadBuckets([.. Enumerable.Range(0, p).Select(j => (i, j))], io);
    }
}
