using static TorchSharp.torch;

namespace Frugal.Graph.Models;

/// <summary>Link prediction's trained parameters as one module (so one checkpoint holds them): the DistMult
/// decoder and, optionally, the GraphSAGE encoder under it.</summary>
internal sealed class LinkModel : nn.Module
{
    public LinkModel(DistMult decoder, GraphSage? encoder) : base(nameof(LinkModel))
    {
        Decoder = decoder;
        Encoder = encoder;
        RegisterComponents();
    }

    public DistMult Decoder { get; }

    public GraphSage? Encoder { get; }
}
