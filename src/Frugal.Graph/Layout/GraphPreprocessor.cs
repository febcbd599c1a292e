using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Graph.Sources;
using Frugal.Learning.Data;

namespace Frugal.Graph.Layout;

/// <summary>What preprocessing did, for the command's summary.</summary>
public sealed record PreprocessReport(GraphMeta Meta, int SpilledRuns, long BytesWritten);

/// <summary>
/// Turns a <see cref="GraphSource"/> into the on-disk layout (meta.json, features.bin, edges.bin, buckets.idx,
/// labels.bin, train/valid/test.bin, relabel.bin). Nodes are relabelled: a classification graph's training
/// nodes first (so SEQUENTIAL keeps them in the lowest partitions), then everything in a seeded random order.
/// All files go into a staging folder beside the target that is renamed into place only when complete, so a
/// failure leaves no partial layout.
/// </summary>
public static class GraphPreprocessor
{
    /// <summary>The default bound on edges held in memory while sorting them into buckets (16 Mi, 192 MiB).</summary>
    public const int DefaultMaxEdgesInMemory = 16 << 20;

    /// <summary>Prepares <paramref name="source"/> into <paramref name="outFolder"/> with
    /// <paramref name="partitions"/> partitions.</summary>
    /// <exception cref="BadInputException">A malformed input (file and line named), an out-of-range setting, or an
    /// output folder that is not empty.</exception>
    public static PreprocessReport Run(GraphSource source, string outFolder, int partitions, SeedTree seeds,
        int maxEdgesInMemory = DefaultMaxEdgesInMemory, CancellationToken cancellation = default)
    {
        if (partitions < 1 || partitions > 65536)
            throw new BadInputException($"partitions: {partitions} must lie in [1, 65536]", "partitions");
        var target = Path.GetFullPath(outFolder);
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
            throw new BadInputException($"output folder '{outFolder}' exists and is not empty", "out");
        var staging =
            Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var report = Write(source, staging, partitions, seeds, maxEdgesInMemory, cancellation);
            if (Directory.Exists(target)) Directory.Delete(target);
            Directory.Move(staging, target);
            return report;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static PreprocessReport Write(GraphSource source, string folder, int partitions, SeedTree seeds,
        int maxEdgesInMemory, CancellationToken cancellation)
    {
        var n = source.Nodes;
        if (n < 1) throw new BadInputException($"{source.Description}: the graph has no nodes");
        partitions = Math.Min(partitions, n);
        var nc = source.Task == GraphTask.NodeClassification;
        var labels = nc ? source.Labels() : [];
        var splitNodes = nc ? Enumerable.Range(0, 3).Select(source.SplitNodes).ToArray() : [];
        var newId = Relabel(n, nc ? splitNodes[0] : [], seeds.Stream("relabel"));
        var size = (n + partitions - 1) / partitions;
        var meta = new GraphMeta
        {
            Task = source.Task, Source = source.Description, Nodes = n, Relations = source.Relations,
            Features = source.Features, Classes = source.Classes, Partitions = partitions, PartitionSize = size,
            LeadingTrainingNodes = nc ? splitNodes[0].Length : 0,
        };
        WriteInts(Path.Combine(folder, GraphFiles.Relabel), newId);

        int spilled;
        long edges;
        using (var sorter = new EdgeBucketSorter(meta, folder, maxEdgesInMemory))
        {
            foreach (var e in source.TrainEdges())
            {
                if ((sorter.Count & 0xFFFF) == 0) cancellation.ThrowIfCancellationRequested();
                sorter.Add(new Triple(newId[e.Head], e.Relation, newId[e.Tail]));
            }
            sorter.Finish(Path.Combine(folder, GraphFiles.Edges), Path.Combine(folder, GraphFiles.Buckets));
            spilled = sorter.SpilledRuns;
            edges = sorter.Count;
        }

        var sizes = new long[3];
        if (nc)
        {
            var relabelled = new int[n];
            for (var v = 0; v < n; v++) relabelled[newId[v]] = labels[v];
            WriteInts(Path.Combine(folder, GraphFiles.Labels), relabelled);
            for (var s = 0; s < 3; s++)
            {
                WriteInts(Path.Combine(folder, GraphFiles.Splits[s]), [.. splitNodes[s].Select(v => newId[v])]);
                sizes[s] = splitNodes[s].Length;
            }
            WriteFeatures(source, Path.Combine(folder, GraphFiles.Features), newId, cancellation);
        }
        else
        {
            sizes[0] = edges;
            for (var s = 1; s < 3; s++)
                sizes[s] = WriteTriples(Path.Combine(folder, GraphFiles.Splits[s]),
                    source.SplitEdges(s).Select(e => new Triple(newId[e.Head], e.Relation, newId[e.Tail])));
        }
        meta = meta with { Edges = edges, SplitSizes = sizes };
        meta.Write(Path.Combine(folder, GraphMeta.FileName));
        var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
        return new PreprocessReport(meta, spilled, bytes);
    }

    // Training nodes keep their order at the front; the remaining nodes follow in a seeded random order; a
    // link-prediction graph (no leading nodes) is a seeded random permutation.
    private static int[] Relabel(int n, int[] leading, RandomStream random)
    {
        var newId = new int[n];
        Array.Fill(newId, -1);
        var next = 0;
        foreach (var v in leading) newId[v] = next++;
        var rest = new int[n - next];
        for (int v = 0, i = 0; v < n; v++)
            if (newId[v] < 0) rest[i++] = v;
        random.Shuffle(rest);
        foreach (var v in rest) newId[v] = next++;
        return newId;
    }

    private static void WriteFeatures(GraphSource source, string path, int[] newId, CancellationToken cancellation)
    {
        var old = new int[newId.Length];
        for (var v = 0; v < newId.Length; v++) old[newId[v]] = v;
        var row = new float[source.Features];
        using var output = new BufferedStream(File.Create(path), 1 << 20);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan());
        for (var k = 0; k < old.Length; k++)
        {
            if ((k & 0xFFFF) == 0) cancellation.ThrowIfCancellationRequested();
            Array.Clear(row);
            source.FeatureRow(old[k], row);
            output.Write(bytes);
        }
    }

    internal static void WriteInts(string path, int[] values)
    {
        using var output = File.Create(path);
        output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static long WriteTriples(string path, IEnumerable<Triple> triples)
    {
        using var output = new BufferedStream(File.Create(path), 1 << 16);
        Span<byte> record = stackalloc byte[GraphFiles.EdgeBytes];
        long count = 0;
        foreach (var t in triples)
        {
            EdgeBucketSorter.Write(output, t, record);
            count++;
        }
        return count;
    }
}
