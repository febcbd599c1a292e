using System.Runtime.InteropServices;
using Frugal.Core.Errors;
using Frugal.Learning.Data;

namespace Frugal.Graph.Layout;

/// <summary>
/// A prepared graph folder opened for training: its metadata, bucket offsets, labels and splits (small, in
/// memory), and reads of edge buckets and feature rows on demand.
/// </summary>
public sealed class GraphLayout
{
    private readonly long[] _bucketOffsets;

    private GraphLayout(string folder, GraphMeta meta, long[] bucketOffsets)
    {
        Folder = folder;
        Meta = meta;
        _bucketOffsets = bucketOffsets;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>Its metadata.</summary>
    public GraphMeta Meta { get; }

    /// <summary>The path of one of the folder's files.</summary>
    public string PathOf(string file) => Path.Combine(Folder, file);

    /// <summary>Opens and checks <paramref name="folder"/>.</summary>
    /// <exception cref="BadInputException">Not a prepared graph or one of another layout version.</exception>
    /// <exception cref="CorruptDataException">A file's size disagrees with meta.json.</exception>
    public static GraphLayout Open(string folder)
    {
        var meta = GraphMeta.Read(folder);
        var p2 = (long)meta.Partitions * meta.Partitions;
        var offsets = ReadArray<long>(Path.Combine(folder, GraphFiles.Buckets), p2 + 1, folder);
        if (offsets[0] != 0 || offsets[^1] != meta.Edges)
            throw new CorruptDataException($"graph folder '{folder}': {GraphFiles.Buckets} does not match meta.json");
        var layout = new GraphLayout(folder, meta, offsets);
        layout.Expect(GraphFiles.Edges, meta.Edges * GraphFiles.EdgeBytes);
        if (meta.Task == GraphTask.NodeClassification)
        {
            layout.Expect(GraphFiles.Features, (long)meta.Nodes * meta.Features * sizeof(float));
            layout.Expect(GraphFiles.Labels, (long)meta.Nodes * sizeof(int));
        }
        return layout;
    }

    private void Expect(string file, long bytes)
    {
        var info = new FileInfo(PathOf(file));
        if (!info.Exists || info.Length != bytes)
        {
            var found = info.Exists ? $"{info.Length:N0} bytes" : "missing";
            throw new CorruptDataException($"graph folder '{Folder}': {file} is {found}, expected {bytes:N0} bytes");
        }
    }

    /// <summary>The edges in bucket (<paramref name="from"/>, <paramref name="to"/>).</summary>
    public long BucketSize(int from, int to) =>
        _bucketOffsets[from * Meta.Partitions + to + 1] - _bucketOffsets[from * Meta.Partitions + to];

    /// <summary>Reads the edges of the given buckets, in the order given (bucket by bucket).</summary>
    public Triple[] ReadBuckets(IReadOnlyList<(int From, int To)> buckets, Storage.IoCounters? io = null)
    {
        var total = buckets.Sum(b => BucketSize(b.From, b.To));
        var edges = new Triple[total];
        using var handle = File.OpenHandle(PathOf(GraphFiles.Edges));
        long at = 0;
        foreach (var (from, to) in buckets)
        {
            var count = BucketSize(from, to);
            if (count == 0) continue;
            var offset = _bucketOffsets[from * Meta.Partitions + to] * GraphFiles.EdgeBytes;
            var bytes = MemoryMarshal.AsBytes(edges.AsSpan((int)at, (int)count));
            Storage.DiskIo.ReadExactly(handle, bytes, offset, io);
            at += count;
        }
        return edges;
    }

    /// <summary>All training edges.</summary>
    public Triple[] ReadAllEdges() => ReadBuckets([.. AllBuckets()]);

    /// <summary>Every bucket (i, j), row by row.</summary>
    public IEnumerable<(int From, int To)> AllBuckets()
    {
        for (var i = 0; i < Meta.Partitions; i++)
            for (var j = 0; j < Meta.Partitions; j++) yield return (i, j);
    }

    /// <summary>The class of every node (classification).</summary>
    public int[] Labels() => ReadArray<int>(PathOf(GraphFiles.Labels), Meta.Nodes, Folder);

    /// <summary>The nodes of split 0 (train), 1 (validation) or 2 (test) (classification).</summary>
    public int[] SplitNodes(int split) =>
        ReadArray<int>(PathOf(GraphFiles.Splits[split]), Meta.SplitSizes[split], Folder);

    /// <summary>The edges of split 1 (validation) or 2 (test) (link prediction).</summary>
    public Triple[] SplitEdges(int split) =>
        ReadArray<Triple>(PathOf(GraphFiles.Splits[split]), Meta.SplitSizes[split], Folder);

    /// <summary>The new id of every original node.</summary>
    public int[] Relabelling() => ReadArray<int>(PathOf(GraphFiles.Relabel), Meta.Nodes, Folder);

    /// <summary>All features, row-major [N, F] (in-memory training).</summary>
    public float[] ReadAllFeatures() =>
        ReadArray<float>(PathOf(GraphFiles.Features), (long)Meta.Nodes * Meta.Features, Folder);

    private static T[] ReadArray<T>(string path, long count, string folder) where T : unmanaged
    {
        var info = new FileInfo(path);
        var bytes = count * Marshal.SizeOf<T>();
        if (!info.Exists || info.Length != bytes)
            throw new CorruptDataException($"graph folder '{folder}': {Path.GetFileName(path)} is " +
                $"{(info.Exists ? $"{info.Length:N0} bytes" : "missing")}, expected {bytes:N0} bytes");
        var values = new T[count];
        using var handle = File.OpenHandle(path);
        Storage.DiskIo.ReadExactly(handle, MemoryMarshal.AsBytes(values.AsSpan()), 0, null);
        return values;
    }
}
