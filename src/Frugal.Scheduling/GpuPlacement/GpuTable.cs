using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>One GPU of a placement cluster: its id (0..n-1, the order every policy breaks ties in) and node.</summary>
/// <param name="Id">GPU_ID.</param>
/// <param name="Node">Node_ID.</param>
/// <param name="Uuid">GPU_UUID (empty for a sampled cluster).</param>
public sealed record ClusterGpu(int Id, int Node, string Uuid);

/// <summary>
/// The cluster PAL places on: GPUs grouped in nodes, and per performance class (A, B, ...) each GPU's PerfVar, its
/// slowdown relative to the median GPU (&gt; 1 = slower). Built by lookup from a PAL GPU table
/// (hal-uw/blox-pal:blox/32gpu-variability.csv, or one <c>frugal gpu analyze --export</c> wrote) or by seeded
/// sampling from measurement files, which is what the reference's simulation does in effect.
/// </summary>
public sealed class GpuTable
{
    private readonly Dictionary<string, double[]> _perfVar;

    internal GpuTable(IReadOnlyList<ClusterGpu> gpus, Dictionary<string, double[]> perfVar, string source)
    {
        Gpus = gpus;
        _perfVar = perfVar;
        Source = source;
        GpusPerNode = gpus.GroupBy(g => g.Node).Max(g => g.Count());
    }

    /// <summary>The GPUs, by id.</summary>
    public IReadOnlyList<ClusterGpu> Gpus { get; }

    /// <summary>The most GPUs any node has (the reference's NUM_GPUS_PER_NODE).</summary>
    public int GpusPerNode { get; }

    /// <summary>Where the PerfVar values came from (a file, or what was sampled).</summary>
    public string Source { get; }

    /// <summary>The classes the table has a PerfVar column for, in name order.</summary>
    public IReadOnlyList<string> Classes => [.. _perfVar.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Whether the table has a PerfVar column for <paramref name="perfClass"/>.</summary>
    public bool Has(string perfClass) => _perfVar.ContainsKey(perfClass);

    /// <summary>Every GPU's PerfVar for <paramref name="perfClass"/>, by GPU id.</summary>
    public IReadOnlyList<double> PerfVar(string perfClass) => _perfVar.TryGetValue(perfClass, out var v)
        ? v
        : throw new BadInputException(
            $"{Source}: the GPU table has no PerfVar_class{perfClass} column (it has " +
            $"{string.Join(", ", Classes.Select(c => "PerfVar_class" + c))})");

    /// <summary>Reads a PAL GPU table: GPU_ID, Node_ID and PerfVar_class* columns are needed.</summary>
    /// <exception cref="BadInputException">A column is missing, or a line is malformed (file:line:field).</exception>
    public static GpuTable Read(string path)
    {
        using var reader = InputFile.OpenText(path, "GPU table", 64L << 20);
        return Parse(reader, path);
    }

    /// <summary>Parses a PAL GPU table from <paramref name="reader"/>.</summary>
    internal static GpuTable Parse(TextReader reader, string source)
    {
        var header = (reader.ReadLine() ?? throw new BadInputException($"{source}: the GPU table is empty")).Split(',');
        int Need(string name)
        {
            var i = Array.IndexOf(header, name);
            return i >= 0 ? i : throw new BadInputException($"{source}: the GPU table has no '{name}' column");
        }
        int id = Need("GPU_ID"), node = Need("Node_ID"), uuid = Array.IndexOf(header, "GPU_UUID");
        var classes = header.Select((name, i) => (name, i)).Where(c => c.name.StartsWith("PerfVar_class",
            StringComparison.Ordinal) && c.name.Length > "PerfVar_class".Length).ToArray();
        if (classes.Length == 0) throw new BadInputException($"{source}: the GPU table has no PerfVar_class* column");
        var rows = new List<(int Id, int Node, string Uuid, double[] PerfVar)>();
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            var at = $"{source}:{number}";
            if (fields.Length != header.Length)
                throw new BadInputException($"{at}: {fields.Length} fields where the header has {header.Length}");
            rows.Add((Whole(fields[id], "GPU_ID", at), Whole(fields[node], "Node_ID", at),
                uuid >= 0 ? fields[uuid] : "",
                [.. classes.Select(c => PerfVarValue(fields[c.i], c.name, at))]));
        }
        if (rows.Count == 0) throw new BadInputException($"{source}: the GPU table has no GPU");
        var ids = rows.Select(r => r.Id).Order().ToArray();
        if (!ids.SequenceEqual(Enumerable.Range(0, rows.Count)))
            throw new BadInputException($"{source}: GPU_ID must number the {rows.Count} GPUs 0 to {rows.Count - 1}");
        rows.Sort((a, b) => a.Id.CompareTo(b.Id));
        var perfVar = classes.Select((c, k) => (c.name["PerfVar_class".Length..], k))
            .ToDictionary(c => c.Item1, c => rows.Select(r => r.PerfVar[c.k]).ToArray());
        return new GpuTable([.. rows.Select(r => new ClusterGpu(r.Id, r.Node, r.Uuid))], perfVar, source);
    }

    /// <summary>
    /// A cluster of <paramref name="nodes"/> × <paramref name="gpusPerNode"/> GPUs whose PerfVar per class is drawn,
    /// GPU by GPU and class by class, from that class's normalised measurements (perf / median perf of its file):
    /// the reference's <c>ClusterState._get_machine_slowdowns</c> as it runs in simulation, where no GPU index
    /// matches a measured UUID and every value is <c>random.choice</c> of the class's runs. The draws use CPython's
    /// generator seeded with <paramref name="seed"/>, so seed 42 (the reference's <c>random.seed(42)</c>) gives the
    /// very cluster its published run used.
    /// </summary>
    public static GpuTable Sample(int nodes, int gpusPerNode,
        IReadOnlyList<(string Class, double[] Normalised)> classes, ulong seed, string source)
    {
        if (nodes < 1 || gpusPerNode < 1) throw new BadInputException("a cluster needs at least one GPU", "cluster");
        var random = new PythonRandom(seed);
        var gpus =
            Enumerable.Range(0, nodes * gpusPerNode).Select(i => new ClusterGpu(i, i / gpusPerNode, "")).ToArray();
        var perfVar = classes.ToDictionary(c => c.Class, _ => new double[gpus.Length]);
        foreach (var gpu in gpus)
            foreach (var (cls, values) in classes)
                perfVar[cls][gpu.Id] = values[random.Below(values.Length)];
        return new GpuTable(gpus, perfVar, source);
    }

    /// <summary>A cluster with the given PerfVar per class (one array per class, by GPU id).</summary>
    public static GpuTable Of(IReadOnlyList<int> nodeOfGpu, IReadOnlyDictionary<string, double[]> perfVar) =>
        new([.. nodeOfGpu.Select((n, i) => new ClusterGpu(i, n, ""))],
            perfVar.ToDictionary(p => p.Key, p => p.Value.ToArray()), "given");

    private static int Whole(string text, string field, string at) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new BadInputException($"{at}: field '{field}' is '{text}', not a whole number");

    private static double PerfVarValue(string text, string field, string at) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            && double.IsFinite(v)
            ? v
            : throw new BadInputException($"{at}: field '{field}' is '{text}', not a positive number");
}
