using System.Globalization;
using Frugal.Core.Catalogs;
using Frugal.Core.Errors;

namespace Frugal.Compression.Codecs;

/// <summary>
/// A codec chosen by name with its parameter: a target compression ratio ρ, or an absolute k (sparsifiers), rank
/// (low rank) or code size (autoencoder). Without either, ρ = <see cref="DefaultRatio"/>.
/// </summary>
/// <param name="Method">A name in <see cref="CodecCatalog.Catalog"/>.</param>
/// <param name="Ratio">Target ratio ρ ≥ 1 (uncompressed bytes ÷ payload bytes).</param>
/// <param name="K">Entries a sparsifier keeps.</param>
/// <param name="Rank">The low-rank codec's rank.</param>
/// <param name="CodeSize">The autoencoder's code size a.</param>
public sealed record CodecSettings(string Method, double? Ratio = null, long? K = null, int? Rank = null,
    int? CodeSize = null)
{
    /// <summary>The ratio used when no parameter is given.</summary>
    public const double DefaultRatio = 8;

    /// <summary>The setting names of bad-input errors, in the user's terms.</summary>
    public const string RatioSetting = "ratio", KSetting = "k", RankSetting = "rank", CodeSizeSetting = "code size",
        BitsSetting = "bits";

    /// <summary>The ratio to derive parameters from.</summary>
    public double TargetRatio => Ratio ?? DefaultRatio;

    /// <summary>Rejects a ratio below 1 (or not a number).</summary>
    /// <exception cref="BadInputException">The ratio is below 1.</exception>
    public static void CheckRatio(double ratio)
    {
        if (!(ratio >= 1) || double.IsInfinity(ratio))
            throw new BadInputException(
                $"compression ratio {ratio.ToString(CultureInfo.InvariantCulture)} must be a finite number of at " +
                    $"least 1",
                RatioSetting);
    }

    /// <summary>The method's own name, and a check that it takes the parameters given.</summary>
    /// <exception cref="BadInputException">An unknown method, a parameter it does not take, two given at once, or a
    /// value out of range.</exception>
    public string Check()
    {
        var method = CodecCatalog.Catalog.Canonical(Method);
        var takes = CodecCatalog.ParameterOf(method);
        (string Name, bool Given)[] given =
            [(RatioSetting, Ratio is not null), (KSetting, K is not null), (RankSetting, Rank is not null),
                (CodeSizeSetting, CodeSize is not null)];
        foreach (var (name, isGiven) in given)
        {
            if (isGiven && name != RatioSetting && name != takes)
                throw new BadInputException($"{method} takes no {name}", name);
            if (isGiven && name == RatioSetting && takes is null)
                throw new BadInputException($"{method} has a fixed ratio and takes no target ratio", name);
        }
        if (given.Count(g => g.Given) > 1)
            throw new BadInputException($"give {method} a ratio or a {takes}, not both", RatioSetting);
        if (Ratio is { } r) CheckRatio(r);
        return method;
    }
}

/// <summary>Where a codec is created: the hidden size of the boundary and the seed of its random draws.</summary>
/// <param name="Hidden">The hidden size h (the last dimension of the tensors it will see).</param>
/// <param name="Seed">Seeds the autoencoder's initial weights, Random-K's positions and the low-rank codec's first
/// factor.</param>
public sealed record CodecSite(int Hidden, ulong Seed);

/// <summary>Every codec by name: <c>none</c>, <c>ae</c>, <c>topk</c>, <c>topk-ef</c>, <c>randk</c>, <c>randk-ef</c>,
/// <c>q8</c>, <c>q4</c>, <c>q2</c>, <c>lowrank</c>, <c>lowrank-ef</c>.</summary>
public static class CodecCatalog
{
    /// <summary>The catalogue: each entry makes a codec for a boundary from the settings.</summary>
    public static Catalog<Func<CodecSettings, CodecSite, ICodec>> Catalog { get; } =
        new Catalog<Func<CodecSettings, CodecSite, ICodec>>("codec")
            .Add("none", (_, _) => new IdentityCodec(), "no compression (fp32, 4 bytes per value)")
            .Add("ae", (s, site) => new AutoencoderCodec(site.Hidden,
                    s.CodeSize ?? AutoencoderCodec.CodeSizeFor(site.Hidden, s.TargetRatio), site.Seed),
                "learned linear autoencoder, code size a = h/ratio (summable)")
            .Add("topk", (s, site) =>
                Sparse(SparseSelection.TopK, s, site, false), "k largest |x|, k = numel/(2·ratio)")
            .Add("topk-ef", (s, site) => Sparse(SparseSelection.TopK, s, site, true), "Top-K with error feedback")
            .Add("randk", (s, site) => Sparse(SparseSelection.RandomK, s, site, false), "k uniform positions")
            .Add("randk-ef", (s, site) =>
                Sparse(SparseSelection.RandomK, s, site, true), "Random-K with error feedback")
            .Add("q8", (_, _) => new QuantizationCodec(8), "8-bit per-channel quantisation (ratio ≈ 4)")
            .Add("q4", (_, _) => new QuantizationCodec(4), "4-bit per-channel quantisation (ratio ≈ 8)")
            .Add("q2", (_, _) => new QuantizationCodec(2), "2-bit per-channel quantisation (ratio ≈ 16)")
            .Add("lowrank", (s, site) => new LowRankCodec(s.Rank, s.TargetRatio, false, site.Seed),
                "PowerSGD-style rank r = s·h/(ratio·(s+h)) per sample")
            .Add("lowrank-ef", (s, site) => new LowRankCodec(s.Rank, s.TargetRatio, true, site.Seed),
                "low rank with error feedback");

    /// <summary>
    /// The absolute parameter <paramref name="method"/> takes besides a ratio, or null for a fixed ratio.
    /// </summary>
    internal static string? ParameterOf(string method) => method switch
    {
        "ae" => CodecSettings.CodeSizeSetting,
        "topk" or "topk-ef" or "randk" or "randk-ef" => CodecSettings.KSetting,
        "lowrank" or "lowrank-ef" => CodecSettings.RankSetting,
        _ => null,
    };

    /// <summary>
    /// Whether <paramref name="method"/> has a fixed ratio (none and quantisation ignore a target ratio).
    /// </summary>
    public static bool FixedRatio(string method) => ParameterOf(CodecCatalog.Catalog.Canonical(method)) is null;

    /// <summary>Checks <paramref name="settings"/> and creates the codec for <paramref name="site"/>.</summary>
    /// <exception cref="BadInputException">An unknown method or a parameter out of range.</exception>
    public static ICodec Create(CodecSettings settings, CodecSite site)
    {
        var method = settings.Check();
        return Catalog.Get(method)(settings, site);
    }

    private static SparseCodec Sparse(SparseSelection selection, CodecSettings s, CodecSite site, bool feedback) =>
        new(selection, s.K, s.TargetRatio, feedback, site.Seed);
}
