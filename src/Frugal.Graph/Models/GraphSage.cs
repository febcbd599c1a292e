using Frugal.Core.Catalogs;
using Frugal.Graph.Sampling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Graph.Models;

/// <summary>How a GraphSAGE layer combines a node with its sampled neighbours.</summary>
public enum SageAggregator
{
    /// <summary>h'_v = W_self·h_v + W_nbr·mean_{u∈N(v)} h_u + b (GraphSAGE-mean, as in MariusGNN).</summary>
    Mean,

    /// <summary>h'_v = W·(h_v + Σ_{u∈N(v)} h_u) / (|N(v)| + 1) + b: DGL's SAGEConv "gcn", the aggregator of the
    /// published Cora figure (DGL's examples/pytorch/graphsage/train_full.py), initialised as DGL's.</summary>
    Gcn,
}

/// <summary>
/// GraphSAGE: h'_v = act(W_self·h_v + W_nbr·mean_{u∈N(v)} h_u + b) (mean) or act(W·mean_{u∈N(v)∪{v}} h_u + b)
/// (gcn). The neighbour sum is an index_add_ of the sampled neighbours' rows divided by the sampled degree (at
/// least 1; plus 1 for gcn's own row); each layer emits rows only for its outputs (a prefix of its inputs).
/// Weights: mean, TorchSharp's init.xavier_normal_, which (0.107) draws Glorot-uniform with gain 1; gcn, as DGL's
/// SAGEConv, Glorot-uniform with gain √2. Zero bias; ReLU and dropout between layers, none after the last.
/// </summary>
internal sealed class GraphSage : nn.Module
{
    private readonly ModuleList<Linear> _self = new();
    private readonly ModuleList<Linear> _neighbours = new();
    private readonly double _dropout;
    private readonly SageAggregator _aggregator;

    /// <summary>The aggregators by name.</summary>
    public static Catalog<SageAggregator> Aggregators { get; } = new Catalog<SageAggregator>("aggregator")
        .Add("mean", SageAggregator.Mean, "W_self·h_v + W_nbr·mean of the neighbours (GraphSAGE-mean, MariusGNN)")
        .Add("gcn", SageAggregator.Gcn, "W·mean of the node and its neighbours (DGL SAGEConv 'gcn')");

    /// <param name="dimensions">Input, hidden..., output widths: k + 1 numbers for k layers.</param>
    /// <param name="dropout">Dropout on each layer's input.</param>
    /// <param name="aggregator">How a node and its neighbours are combined.</param>
    public GraphSage(int[] dimensions, double dropout, SageAggregator aggregator = SageAggregator.Mean)
        : base(nameof(GraphSage))
    {
        _dropout = dropout;
        _aggregator = aggregator;
        for (var l = 0; l + 1 < dimensions.Length; l++)
        {
            // gcn has no self weight: the neighbour map carries the bias. (The order of creation and
            // initialisation is that of the first version, so mean's random draws are unchanged.)
            var gcn = aggregator == SageAggregator.Gcn;
            var self = gcn ? null : nn.Linear(dimensions[l], dimensions[l + 1], hasBias: true);
            var neighbours = nn.Linear(dimensions[l], dimensions[l + 1], hasBias: gcn);
            if (self is not null)
            {
                nn.init.xavier_normal_(self.weight);
                nn.init.zeros_(self.bias);
                _self.Add(self);
            }
            if (gcn)
            {
                // DGL's SAGEConv.reset_parameters: Glorot-uniform with ReLU's gain (√2), zero bias.
                nn.init.xavier_uniform_(neighbours.weight, gain: Math.Sqrt(2));
                nn.init.zeros_(neighbours.bias);
            }
            else nn.init.xavier_normal_(neighbours.weight);
            _neighbours.Add(neighbours);
        }
        RegisterComponents();
    }

    public int Layers => _neighbours.Count;

    /// <summary>The outputs for the sample's targets from <paramref name="x"/>, the features of its rows.</summary>
    public Tensor Forward(Tensor x, LayeredSample sample)
    {
        if (sample.Layers.Length != Layers)
            throw new ArgumentException($"the sample has {sample.Layers.Length} layers, the model {Layers}.");
        var h = x;
        for (var l = 0; l < Layers; l++)
        {
            var layer = sample.Layers[l];
            using var scope = NewDisposeScope();
            var input = nn.functional.dropout(h, _dropout, training);
            var dst = tensor(layer.Dst.Select(i => (long)i).ToArray(), ScalarType.Int64);
            var src = tensor(layer.Src.Select(i => (long)i).ToArray(), ScalarType.Int64);
            var width = input.shape[1];
            var one = Scalars.One;
            var sum = zeros(layer.Outputs, width).index_add_(0, dst, input.index_select(0, src), one);
            var degree = zeros(layer.Outputs).index_add_(0, dst, ones(layer.Dst.Length), one).unsqueeze(1);
            var own = input.narrow(0, 0, layer.Outputs);
            var output = _aggregator == SageAggregator.Gcn
                ? _neighbours[l].forward(sum.add(own, one) / degree.add(one, one))
                : _self[l].forward(own).add(_neighbours[l].forward(sum / degree.clamp_min(one)), one);
            if (l + 1 < Layers) output = nn.functional.relu(output);
            h = output.MoveToOuterDisposeScope();
        }
        return h;
    }
}
