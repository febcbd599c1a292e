using Frugal.Core.Catalogs;

namespace Frugal.Recsys.Model;

/// <summary>The two models of the paper's list built here.</summary>
public enum ModelKind
{
    /// <summary>DLRM: bottom MLP, pairwise dot-product interaction of all embeddings, top MLP.</summary>
    Dlrm,
    /// <summary>Deep &amp; Cross Network: two cross layers beside a deep MLP over the concatenated features.</summary>
    Dcn,
}

/// <summary>A model's shape (§6.2). The defaults are the design's small configuration.</summary>
/// <param name="Kind">DLRM or DCN.</param>
/// <param name="Dim">Embedding dimension d.</param>
/// <param name="Hidden">Width of the hidden layers (bottom 13-H-d and top X-H-1 in DLRM; the deep tower in
/// DCN).</param>
public sealed record ModelConfig(ModelKind Kind = ModelKind.Dlrm, int Dim = 16, int Hidden = 64)
{
    /// <summary>The models by name, for the command line.</summary>
    public static Catalog<ModelKind> Kinds { get; } = new Catalog<ModelKind>("model")
        .Add("dlrm", ModelKind.Dlrm, "DLRM: bottom MLP, dot-product interaction, top MLP")
        .Add("dcn", ModelKind.Dcn, "Deep & Cross Network: cross layers beside a deep MLP");
}
