using Frugal.Recsys.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Recsys.Model;

/// <summary>DLRM (§6.2): bottom MLP 13→H→d, Z = [x_bot, e_1..e_T], the strictly-lower triangle of Z·Zᵀ
/// ((T+1)T/2 dot products) concatenated with x_bot, top MLP →H→1.</summary>
internal sealed class DlrmNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential bottom;
    private readonly Sequential top;
    private readonly long[] _pairs;
    private readonly int _tables;

    public DlrmNetwork(int tables, ModelConfig config) : base("dlrm")
    {
        _tables = tables;
        var pairs = new List<long>();
        for (var i = 0; i <= tables; i++)
            for (var j = 0; j < i; j++) pairs.Add(i * (tables + 1) + j);
        _pairs = [.. pairs];
        bottom = nn.Sequential(nn.Linear(CtrBatch.DenseCount, config.Hidden), nn.ReLU(),
            nn.Linear(config.Hidden, config.Dim), nn.ReLU());
        top = nn.Sequential(nn.Linear(config.Dim + _pairs.Length, config.Hidden), nn.ReLU(),
            nn.Linear(config.Hidden, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor dense, Tensor embeddings)
    {
        var batch = dense.shape[0];
        var x = bottom.call(dense);
        var z = cat([x.unsqueeze(1), embeddings], 1);
        var products = bmm(z, z.transpose(1, 2)).reshape(batch, (_tables + 1) * (_tables + 1));
        using var pairs = tensor(_pairs);
        var interactions = products.index_select(1, pairs);
        return top.call(cat([x, interactions], 1)).squeeze(1);
    }
}

/// <summary>Deep &amp; Cross Network (v1): x0 = [dense, e_1..e_T]; two cross layers
/// x_{l+1} = x0·(x_l·w_l) + b_l + x_l beside a deep tower D→H→H; a linear layer over both gives the logit.</summary>
internal sealed class DcnNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private const int CrossLayers = 2;
    private readonly ModuleList<Linear> cross;
    private readonly ParameterList crossBias;
    private readonly Sequential deep;
    private readonly Linear output;

    public DcnNetwork(int tables, ModelConfig config) : base("dcn")
    {
        var width = CtrBatch.DenseCount + tables * config.Dim;
        cross = nn.ModuleList([.. Enumerable.Range(0, CrossLayers).Select(_ => nn.Linear(width, 1, hasBias: false))]);
        crossBias = nn.ParameterList([.. Enumerable.Range(0, CrossLayers).Select(_ => nn.Parameter(zeros(width)))]);
        deep = nn.Sequential(nn.Linear(width, config.Hidden), nn.ReLU(), nn.Linear(config.Hidden, config.Hidden),
            nn.ReLU());
        output = nn.Linear(width + config.Hidden, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor dense, Tensor embeddings)
    {
        var x0 = cat([dense, embeddings.flatten(1)], 1);
        var x = x0;
        for (var l = 0; l < CrossLayers; l++) x = x0 * cross[l].call(x) + crossBias[l] + x;
        return output.call(cat([x, deep.call(x0)], 1)).squeeze(1);
    }
}
