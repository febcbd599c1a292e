using Frugal.Core.IO;

namespace Frugal.Learning.Data;

/// <summary>An undirected edge between two nodes, <see cref="U"/> &lt; <see cref="V"/>.</summary>
public readonly record struct Edge(int U, int V);

/// <summary>
/// The Cora citation graph with the Planetoid split (Yang et al. 2016; the split of GCN, PyG and DGL):
/// 2,708 papers, each a binary bag of 1,433 words and one of 7 classes, 5,278 undirected citations,
/// 140 training, 500 validation and 1,000 test nodes. Read from the plain-text conversion the repository
/// ships in <c>data/graphs/cora</c> (see data/graphs/README.md).
/// </summary>
public sealed class CoraGraph
{
    /// <summary>The bag-of-words dimension.</summary>
    public const int FeatureCount = 1433;

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 7;

    private CoraGraph(int[][] features, int[] labels, Edge[] edges, int[] train, int[] validation, int[] test)
    {
        Features = features;
        Labels = labels;
        Edges = edges;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The number of nodes (papers).</summary>
    public int NodeCount => Labels.Count;

    /// <summary>Per node, the ascending indices of its words (every present word has value 1).</summary>
    public IReadOnlyList<int[]> Features { get; }

    /// <summary>Per node, its class (0–6).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Each citation once, as an undirected edge.</summary>
    public IReadOnlyList<Edge> Edges { get; }

    /// <summary>The training nodes (20 per class).</summary>
    public IReadOnlyList<int> Train { get; }

    /// <summary>The validation nodes.</summary>
    public IReadOnlyList<int> Validation { get; }

    /// <summary>The test nodes.</summary>
    public IReadOnlyList<int> Test { get; }

    /// <summary>
    /// Loads the graph from <paramref name="folder"/> (cora.labels.txt, cora.features.txt, cora.edges.txt,
    /// cora.split.txt), by default the repository's <c>data/graphs/cora</c>.
    /// </summary>
    /// <exception cref="Frugal.Core.Errors.BadInputException">A file is missing or malformed (file, line and field
    /// named).</exception>
    public static CoraGraph Load(string? folder = null)
    {
        folder ??= ReferenceData.Require("graphs/cora");
        var labels = ReadLabels(Path.Combine(folder, "cora.labels.txt"));
        var features = ReadFeatures(Path.Combine(folder, "cora.features.txt"), labels.Length);
        var edges = ReadEdges(Path.Combine(folder, "cora.edges.txt"), labels.Length);
        var (train, validation, test) = ReadSplit(Path.Combine(folder, "cora.split.txt"), labels.Length);
        return new CoraGraph(features, labels, edges, train, validation, test);
    }

    private static int[] ReadLabels(string path)
    {
        using var file = DataFile.Open(path, "Cora labels file");
        var labels = new List<int>();
        while (file.Next() is { } line) labels.Add(file.Index(line, "class", ClassCount));
        if (labels.Count == 0) throw file.FileError("no nodes");
        return [.. labels];
    }

    private static int[][] ReadFeatures(string path, int nodes)
    {
        using var file = DataFile.Open(path, "Cora features file");
        var features = new int[nodes][];
        while (file.Next() is { } line)
        {
            if (file.LineNumber > nodes)
                throw file.Error(null, $"more lines than the {nodes} nodes of the labels file");
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var indices = new int[words.Length];
            for (var i = 0; i < words.Length; i++)
            {
                indices[i] = file.Index(words[i], $"word {i + 1}", FeatureCount);
                if (i > 0 && indices[i] <= indices[i - 1])
                    throw file.Error($"word {i + 1}", "word indices must ascend");
            }
            features[file.LineNumber - 1] = indices;
        }
        if (file.LineNumber < nodes)
            throw file.FileError($"{file.LineNumber} lines, but the labels file has {nodes} nodes");
        return features;
    }

    private static Edge[] ReadEdges(string path, int nodes)
    {
        using var file = DataFile.Open(path, "Cora edges file");
        var edges = new List<Edge>();
        var seen = new HashSet<Edge>();
        while (file.Next() is { } line)
        {
            var fields = file.Fields(line, ' ', 2, "u v, space-separated");
            var edge = new Edge(file.Index(fields[0], "u", nodes), file.Index(fields[1], "v", nodes));
            if (edge.U >= edge.V) throw file.Error(null, $"edge {edge.U} {edge.V}: expected u < v");
            if (!seen.Add(edge)) throw file.Error(null, $"edge {edge.U} {edge.V} appears twice");
            edges.Add(edge);
        }
        return [.. edges];
    }

    private static (int[] Train, int[] Validation, int[] Test) ReadSplit(string path, int nodes)
    {
        using var file = DataFile.Open(path, "Cora split file");
        var splits = new Dictionary<string, List<int>> { ["train"] = [], ["val"] = [], ["test"] = [] };
        var assigned = new HashSet<int>();
        while (file.Next() is { } line)
        {
            var fields = file.Fields(line, ' ', 2, "node split, space-separated");
            var node = file.Index(fields[0], "node", nodes);
            if (!splits.TryGetValue(fields[1], out var split))
                throw file.Error("split", $"'{fields[1]}' is not train, val or test");
            if (!assigned.Add(node)) throw file.Error("node", $"node {node} is in two splits");
            split.Add(node);
        }
        foreach (var (name, members) in splits)
            if (members.Count == 0) throw file.FileError($"no {name} nodes");
        return ([.. splits["train"]], [.. splits["val"]], [.. splits["test"]]);
    }
}
