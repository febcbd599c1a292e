using Frugal.Graph.Sampling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Graph.Models;

/// <summary>
/// GraphSAGE with mean aggregation: h'_v = act(W_self·h_v + W_nbr·mean_{u∈N(v)} h_u + b). The mean is an
/// index_add_ of the sampled neighbours' rows divided by the sampled degree (at least 1); each layer emits rows
/// only for its outputs (a prefix of its inputs). Glorot-normal weights, zero bias; ReLU and dropout between layers,
/// none after the last.
/// </summary>
internal sealed class GraphSage : nn.Module
{
    private readonly ModuleList<Linear> _self = new();
    private readonly ModuleList<Linear> _neighbours = new();
    private readonly double _dropout;

    /// <param name="dimensions">Input, hidden..., output widths: k + 1 numbers for k layers.</param>
    /// <param name="dropout">Dropout on each layer's input.</param>
    public GraphSage(int[] dimensions, double dropout) : base(nameof(GraphSage))
    {
        _dropout = dropout;
        for (var l = 0; l + 1 < dimensions.Length; l++)
        {
            var self = nn.Linear(dimensions[l], dimensions[l + 1], hasBias: true);
            var neighbours = nn.Linear(dimensions[l], dimensions[l + 1], hasBias: false);
            nn.init.xavier_normal_(self.weight);
            nn.init.zeros_(self.bias);
            nn.init.xavier_normal_(neighbours.weight);
            _self.Add(self);
            _neighbours.Add(neighbours);
        }
        RegisterComponents();
    }

    public int Layers => _self.Count;

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
            var sum = zeros(layer.Outputs, width).index_add_(0, dst, input.index_select(0, src), 1);
            var degree = zeros(layer.Outputs).index_add_(0, dst, ones(layer.Dst.Length), 1).clamp_min(1).unsqueeze(1);
            var output = _self[l].forward(input.narrow(0, 0, layer.Outputs)) + _neighbours[l].forward(sum / degree);
            if (l + 1 < Layers) output = nn.functional.relu(output);
            h = output.MoveToOuterDisposeScope();
        }
        return h;
    }
}
