using Frugal.Core.Errors;
using Frugal.Graph.Layout;
using Frugal.Learning.Data;

namespace Frugal.Graph.Sources;

/// <summary>
/// A plain edge list for link prediction: one edge per line, <c>src dst</c> or <c>src relation dst</c>, integer
/// ids separated by spaces or tabs; blank lines and lines starting with '#' are skipped. The file is read twice
/// (once to check it and find the id range, once to stream the edges), so it may be larger than memory. Edges go
/// to train, validation and test 90/5/5 by a seeded draw per edge.
/// </summary>
public sealed class EdgeListSource : GraphSource
{
    private readonly string _path;
    private readonly ulong _seed;
    private readonly List<Triple>[] _held = [[], [], []];

    /// <summary>Checks <paramref name="path"/>; <paramref name="nodes"/>, when given, bounds the node ids.</summary>
    /// <exception cref="BadInputException">A malformed line or an id out of range (file and line named).</exception>
    public EdgeListSource(string path, int? nodes, ulong seed)
    {
        _path = path;
        _seed = seed;
        int maxNode = -1, maxRelation = 0;
        foreach (var e in Read(nodes))
        {
            maxNode = Math.Max(maxNode, Math.Max(e.Head, e.Tail));
            maxRelation = Math.Max(maxRelation, e.Relation);
        }
        if (maxNode < 0) throw new BadInputException($"{path}: no edges");
        Nodes = nodes ?? maxNode + 1;
        Relations = maxRelation + 1;
    }

    /// <inheritdoc />
    public override GraphTask Task => GraphTask.LinkPrediction;

    /// <inheritdoc />
    public override string Description => $"edges {_path}";

    /// <inheritdoc />
    public override int Nodes { get; }

    /// <inheritdoc />
    public override int Relations { get; }

    /// <inheritdoc />
    public override IEnumerable<Triple> TrainEdges()
    {
        var random = new Core.Randomness.RandomStream(_seed);
        foreach (var e in Read(Nodes))
        {
            var split = SyntheticSplit.Of(random.NextDouble());
            if (split == 0) yield return e;
            else _held[split].Add(e);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<Triple> SplitEdges(int split) => _held[split];

    private IEnumerable<Triple> Read(int? nodes)
    {
        using var file = DataFile.Open(_path, "edge list");
        var bound = nodes ?? int.MaxValue;
        while (file.Next() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#') continue;
            var fields = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length is not (2 or 3))
                throw file.Error(null, $"{fields.Length} fields, expected 2 (src dst) or 3 (src relation dst)");
            var src = file.Index(fields[0], "src", bound);
            var relation = fields.Length == 3 ? file.Index(fields[1], "relation", int.MaxValue) : 0;
            var dst = file.Index(fields[^1], "dst", bound);
            yield return new Triple(src, relation, dst);
        }
    }
}

/// <summary>The 90/5/5 train/validation/test split of generated and plain edge lists.</summary>
internal static class SyntheticSplit
{
    public static int Of(double u) => u < 0.90 ? 0 : u < 0.95 ? 1 : 2;
}
