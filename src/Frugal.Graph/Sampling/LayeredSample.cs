namespace Frugal.Graph.Sampling;

/// <summary>
/// One GNN layer's share of a sampled batch: it outputs the first <see cref="Outputs"/> rows of its input, and
/// each output row <c>Dst[i]</c> aggregates input row <c>Src[i]</c>.
/// </summary>
internal sealed record SampledLayer(int Inputs, int Outputs, int[] Dst, int[] Src);

/// <summary>
/// A sampled batch for a k-layer GNN: the buffer rows whose features feed the first layer, and the layers from
/// the bottom (layer 1) up; the last layer's outputs are the targets, in order. DENSE and naive per-layer sampling
/// both produce this shape, so one model runs either.
/// </summary>
internal sealed record LayeredSample(int[] Rows, SampledLayer[] Layers)
{
    /// <summary>The targets (the last layer's outputs).</summary>
    public int Targets => Layers[^1].Outputs;

    /// <summary>Node representations the sample asks for over all layers' inputs: for DENSE, each node once;
    /// for naive sampling, each layer's input set in full.</summary>
    public long SampledNodes { get; init; }

    /// <summary>Sampled edges (neighbour draws) over all hops.</summary>
    public long SampledEdges { get; init; }
}
