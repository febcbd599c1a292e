using Frugal.Graph.Layout;
using Frugal.Learning.Data;

namespace Frugal.Graph.Sources;

/// <summary>
/// A graph in its original node ids, as read from an input format or generated, before preprocessing relabels,
/// partitions and buckets it. Edges are streamed so that a graph larger than memory can be prepared.
/// </summary>
public abstract class GraphSource
{
    /// <summary>What the graph is for.</summary>
    public abstract GraphTask Task { get; }

    /// <summary>Format and origin, recorded in meta.json.</summary>
    public abstract string Description { get; }

    /// <summary>The number of nodes; original ids lie in [0, Nodes).</summary>
    public abstract int Nodes { get; }

    /// <summary>The number of relations (1 for a plain graph).</summary>
    public virtual int Relations => 1;

    /// <summary>The feature dimension (classification only).</summary>
    public virtual int Features => 0;

    /// <summary>The number of classes (classification only).</summary>
    public virtual int Classes => 0;

    /// <summary>The training edges, in original ids (relation 0 for a plain graph).</summary>
    public abstract IEnumerable<Triple> TrainEdges();

    /// <summary>Validation and test edges (link prediction).</summary>
    public virtual IEnumerable<Triple> SplitEdges(int split) => [];

    /// <summary>The class of every node (classification).</summary>
    public virtual int[] Labels() => [];

    /// <summary>The train, validation and test nodes (classification).</summary>
    public virtual int[] SplitNodes(int split) => [];

    /// <summary>Writes the features of original node <paramref name="node"/> into <paramref name="row"/>.</summary>
    public virtual void FeatureRow(int node, Span<float> row) { }
}
