namespace Frugal.Graph.Sampling;

/// <summary>
/// DENSE (Delta Encoding of Neighborhood SamplEs, MariusGNN §2): hop i samples neighbours only for Δ_{i−1}, the
/// nodes first reached at hop i−1, so every node's neighbourhood is sampled once and shared by all layers. We keep
/// Δ_0 (the targets) first and append each new delta (the mirror of the paper's prepending): each layer's outputs
/// and edges are then prefixes of one node array and one edge list. The seen-set is a generation-stamped array over
/// buffer rows, so it never needs clearing.
/// </summary>
internal sealed class DenseSampler(NeighborGraph graph, int[] fanouts)
{
    private readonly SeenSet _seen = new(graph.Rows);
    private readonly int[] _chosen = new int[fanouts.Max(f => Fanout.Bound(graph, f)) + 1];

    public LayeredSample Sample(ReadOnlySpan<int> targets, Random random)
    {
        _seen.Clear();
        var nodes = new List<int>(targets.Length * 4);
        var dst = new List<int>();
        var src = new List<int>();
        foreach (var t in targets) _seen.Visit(t, nodes);
        var k = fanouts.Length;
        var deltaEnd = new int[k + 1];
        var edgeEnd = new int[k + 1];
        deltaEnd[0] = nodes.Count;
        var start = 0;
        for (var hop = 1; hop <= k; hop++)
        {
            var end = nodes.Count;
            for (var pos = start; pos < end; pos++)
            {
                var n = Fanout.Choose(graph, nodes[pos], fanouts[hop - 1], random, _chosen);
                for (var i = 0; i < n; i++)
                {
                    dst.Add(pos);
                    src.Add(_seen.Visit(_chosen[i], nodes));
                }
            }
            start = end;
            deltaEnd[hop] = nodes.Count;
            edgeEnd[hop] = dst.Count;
        }
        var dstArray = dst.ToArray();
        var srcArray = src.ToArray();
        var layers = new SampledLayer[k];
        for (var layer = 1; layer <= k; layer++)
        {
            // Layer ℓ outputs Δ_0..Δ_{k−ℓ} from inputs Δ_0..Δ_{k−ℓ+1}, over the edges of hops 1..k−ℓ+1.
            var edges = edgeEnd[k - layer + 1];
            layers[layer - 1] = new SampledLayer(deltaEnd[k - layer + 1], deltaEnd[k - layer], dstArray[..edges],
                srcArray[..edges]);
        }
        return new LayeredSample([.. nodes], layers) { SampledNodes = nodes.Count, SampledEdges = dst.Count };
    }
}

/// <summary>
/// Naive per-layer sampling as DGL and PyG build blocks: hop i samples neighbours for every node reached so far
/// (L_{i−1}), so nodes of earlier hops are sampled again at every later hop. The reference DENSE is checked against.
/// </summary>
internal sealed class NaiveSampler(NeighborGraph graph, int[] fanouts)
{
    private readonly SeenSet _seen = new(graph.Rows);
    private readonly int[] _chosen = new int[fanouts.Max(f => Fanout.Bound(graph, f)) + 1];

    public LayeredSample Sample(ReadOnlySpan<int> targets, Random random)
    {
        var k = fanouts.Length;
        var level = new List<int>(targets.ToArray());
        var blocks = new SampledLayer[k];
        long sampledNodes = 0, sampledEdges = 0;
        for (var hop = 1; hop <= k; hop++)
        {
            _seen.Clear();
            var next = new List<int>(level.Count * 4);
            foreach (var row in level) _seen.Visit(row, next);
            var dst = new List<int>();
            var src = new List<int>();
            for (var pos = 0; pos < level.Count; pos++)
            {
                var n = Fanout.Choose(graph, level[pos], fanouts[hop - 1], random, _chosen);
                for (var i = 0; i < n; i++)
                {
                    dst.Add(pos);
                    src.Add(_seen.Visit(_chosen[i], next));
                }
            }
            blocks[k - hop] = new SampledLayer(next.Count, level.Count, [.. dst], [.. src]);
            sampledNodes += next.Count;
            sampledEdges += dst.Count;
            level = next;
        }
        return new LayeredSample([.. level], blocks) { SampledNodes = sampledNodes, SampledEdges = sampledEdges };
    }
}

/// <summary>Rows seen in a batch (or hop), with their positions: a generation-stamped array, cleared in O(1).</summary>
internal sealed class SeenSet(int rows)
{
    private readonly int[] _stamp = new int[rows];
    private readonly int[] _position = new int[rows];
    private int _generation;

    public void Clear() => _generation++;

    /// <summary>The position of <paramref name="row"/> in <paramref name="nodes"/>, appending it when new.</summary>
    public int Visit(int row, List<int> nodes)
    {
        if (_stamp[row] == _generation) return _position[row];
        _stamp[row] = _generation;
        _position[row] = nodes.Count;
        nodes.Add(row);
        return nodes.Count - 1;
    }
}
