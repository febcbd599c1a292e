using Frugal.Graph.Layout;
using Frugal.Learning.Data;

namespace Frugal.Graph.Sources;

/// <summary>
/// The Planetoid format as the repository ships Cora (cora.labels.txt, cora.features.txt, cora.edges.txt,
/// cora.split.txt; read by <see cref="CoraGraph"/>). Features are row-normalised (each row sums to 1), as GCN's
/// and Planetoid's preprocessing does; each undirected edge is stored once (samplers use both directions).
/// </summary>
public sealed class PlanetoidSource(string folder) : GraphSource
{
    private readonly CoraGraph _graph = CoraGraph.Load(folder);

    /// <inheritdoc />
    public override GraphTask Task => GraphTask.NodeClassification;

    /// <inheritdoc />
    public override string Description => $"planetoid {folder}";

    /// <inheritdoc />
    public override int Nodes => _graph.NodeCount;

    /// <inheritdoc />
    public override int Features => CoraGraph.FeatureCount;

    /// <inheritdoc />
    public override int Classes => CoraGraph.ClassCount;

    /// <inheritdoc />
    public override IEnumerable<Triple> TrainEdges() => _graph.Edges.Select(e => new Triple(e.U, 0, e.V));

    /// <inheritdoc />
    public override int[] Labels() => [.. _graph.Labels];

    /// <inheritdoc />
    public override int[] SplitNodes(int split) =>
        [.. split switch { 0 => _graph.Train, 1 => _graph.Validation, _ => _graph.Test }];

    /// <inheritdoc />
    public override void FeatureRow(int node, Span<float> row)
    {
        var words = _graph.Features[node];
        foreach (var w in words) row[w] = 1f / words.Length;
    }
}

/// <summary>A knowledge graph of train.txt, valid.txt, test.txt triples (<see cref="KnowledgeGraph"/>).</summary>
public sealed class TriplesSource(string folder) : GraphSource
{
    private readonly KnowledgeGraph _graph = KnowledgeGraph.Load(folder);

    /// <inheritdoc />
    public override GraphTask Task => GraphTask.LinkPrediction;

    /// <inheritdoc />
    public override string Description => $"triples {folder}";

    /// <inheritdoc />
    public override int Nodes => _graph.Entities.Count;

    /// <inheritdoc />
    public override int Relations => _graph.Relations.Count;

    /// <inheritdoc />
    public override IEnumerable<Triple> TrainEdges() => _graph.Train;

    /// <inheritdoc />
    public override IEnumerable<Triple> SplitEdges(int split) => split == 1 ? _graph.Validation : _graph.Test;
}
