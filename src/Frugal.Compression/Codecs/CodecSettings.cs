using System.Globalization;
using Frugal.Core.Catalogs;
using Frugal.Core.Errors;

namespace Frugal.Compression.Codecs;

/// <summary>
/// A codec chosen by name with its parameter: a target compression ratio ρ, or an absolute k (sparsifiers), rank
/// (low rank), code size (autoencoder) or sketch size (SRHT, circulant). Without either,
/// ρ = <see cref="DefaultRatio"/>.
/// Quantisation takes options, written after its name as a spec (<see cref="Parse"/>): <c>q4+stochastic</c>
/// (stochastic rounding), <c>q4+rms</c> (σ = 2·RMS), <c>q4+backward</c> (the backward message quantised too).
/// </summary>
/// <param name="Method">A name in <see cref="CodecCatalog.Catalog"/>.</param>
/// <param name="Ratio">Target ratio ρ ≥ 1 (uncompressed bytes ÷ payload bytes).</param>
/// <param name="K">Entries a sparsifier keeps.</param>
/// <param name="Rank">The low-rank codec's rank.</param>
/// <param name="CodeSize">The autoencoder's code size a.</param>
/// <param name="SketchSize">The sketch size m of <c>srht</c> and <c>ct</c>.</param>
/// <param name="StochasticRounding">Quantisation rounds stochastically (seeded) instead of to nearest.</param>
/// <param name="Scale">Quantisation's channel scale: max|x| or 2·RMS.</param>
/// <param name="CompressBackward">Quantisation also quantises its backward message.</param>
public sealed record CodecSettings(string Method, double? Ratio = null, long? K = null, int? Rank = null,
    int? CodeSize = null, int? SketchSize = null, bool StochasticRounding = false,
    QuantizationScale Scale = QuantizationScale.Max, bool CompressBackward = false)
{
    /// <summary>The ratio used when no parameter is given.</summary>
    public const double DefaultRatio = 8;

    /// <summary>The setting names of bad-input errors, in the user's terms.</summary>
    public const string RatioSetting = "ratio", KSetting = "k", RankSetting = "rank", CodeSizeSetting = "code size",
        BitsSetting = "bits", SketchSizeSetting = "sketch size", OptionSetting = "codec option";

    private const string StochasticOption = "stochastic", RmsOption = "rms", BackwardOption = "backward";

    /// <summary>
    /// Reads a codec spec: a method name, optionally followed by quantisation options joined with <c>+</c>
    /// (<c>q4+stochastic+rms+backward</c>).
    /// </summary>
    /// <exception cref="BadInputException">An unknown option.</exception>
    public static CodecSettings Parse(string spec, double? ratio = null)
    {
        var parts = spec.Split('+', StringSplitOptions.TrimEntries);
        var settings = new CodecSettings(parts[0], ratio);
        foreach (var option in parts.Skip(1))
            settings = option.ToLowerInvariant() switch
            {
                StochasticOption => settings with { StochasticRounding = true },
                RmsOption => settings with { Scale = QuantizationScale.Rms },
                BackwardOption => settings with { CompressBackward = true },
                _ => throw new BadInputException(
                    $"unknown codec option '{option}' in '{spec}'; known: {StochasticOption}, {RmsOption}, " +
                        $"{BackwardOption}", OptionSetting),
            };
        return settings;
    }

    /// <summary>The canonical spec: the method's own name and its options in a fixed order.</summary>
    /// <exception cref="BadInputException">An unknown method or an option it does not take.</exception>
    public string CanonicalSpec() => Check() + OptionSuffix(StochasticRounding, Scale, CompressBackward);

    /// <summary>The options as a spec writes them after the method's name (empty for none).</summary>
    internal static string OptionSuffix(bool stochastic, QuantizationScale scale, bool backward) =>
        (stochastic ? "+" + StochasticOption : "") + (scale == QuantizationScale.Rms ? "+" + RmsOption : "")
        + (backward ? "+" + BackwardOption : "");

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
                (CodeSizeSetting, CodeSize is not null), (SketchSizeSetting, SketchSize is not null)];
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
        if (!CodecCatalog.Quantises(method))
        {
            (string Name, bool Given)[] options =
            [
                ("stochastic rounding", StochasticRounding), ("a 2·RMS scale", Scale != QuantizationScale.Max),
                ("backward compression", CompressBackward),
            ];
            foreach (var (name, isGiven) in options)
                if (isGiven)
                    throw new BadInputException($"{name} applies to quantisation (q8, q4, q2), not {method}",
                        OptionSetting);
        }
        return method;
    }
}

/// <summary>Where a codec is created: the hidden size of the boundary and the seed of its random draws.</summary>
/// <param name="Hidden">The hidden size h (the last dimension of the tensors it will see).</param>
/// <param name="Seed">Seeds the autoencoder's initial weights, Random-K's positions and the low-rank codec's first
/// factor.</param>
public sealed record CodecSite(int Hidden, ulong Seed);

/// <summary>Every codec by name: <c>none</c>, <c>ae</c>, <c>topk</c>, <c>topk-ef</c>, <c>randk</c>, <c>randk-ef</c>,
/// <c>q8</c>, <c>q4</c>, <c>q2</c>, <c>lowrank</c>, <c>lowrank-ef</c>, <c>srht</c>, <c>ct</c>.</summary>
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
            .Add("q8", (s, site) => Quantiser(8, s, site), "8-bit per-channel quantisation (ratio ≈ 4)")
            .Add("q4", (s, site) => Quantiser(4, s, site), "4-bit per-channel quantisation (ratio ≈ 8)")
            .Add("q2", (s, site) => Quantiser(2, s, site), "2-bit per-channel quantisation (ratio ≈ 16)")
            .Add("lowrank", (s, site) => new LowRankCodec(s.Rank, s.TargetRatio, false, site.Seed),
                "PowerSGD-style rank r = s·h/(ratio·(s+h)) per sample")
            .Add("lowrank-ef", (s, site) => new LowRankCodec(s.Rank, s.TargetRatio, true, site.Seed),
                "low rank with error feedback")
            .Add("srht", (s, site) => new SketchCodec(SketchKind.Hadamard, s.SketchSize, s.TargetRatio, site.Seed),
                "subsampled randomised Hadamard sketch of h, m = h/ratio (summable)")
            .Add("ct", (s, site) => new SketchCodec(SketchKind.Circulant, s.SketchSize, s.TargetRatio, site.Seed),
                "subsampled random circulant sketch of h, m = h/ratio (summable)", "circulant");

    /// <summary>
    /// The absolute parameter <paramref name="method"/> takes besides a ratio, or null for a fixed ratio.
    /// </summary>
    internal static string? ParameterOf(string method) => method switch
    {
        "ae" => CodecSettings.CodeSizeSetting,
        "topk" or "topk-ef" or "randk" or "randk-ef" => CodecSettings.KSetting,
        "lowrank" or "lowrank-ef" => CodecSettings.RankSetting,
        "srht" or "ct" => CodecSettings.SketchSizeSetting,
        _ => null,
    };

    /// <summary>Whether <paramref name="method"/> (a canonical name) quantises, and so takes the options.</summary>
    internal static bool Quantises(string method) => method is "q8" or "q4" or "q2";

    /// <summary>
    /// Whether <paramref name="method"/> has a fixed ratio (none and quantisation ignore a target ratio).
    /// </summary>
    public static bool FixedRatio(string method) => ParameterOf(CodecSettings.Parse(method).Check()) is null;

    /// <summary>Checks <paramref name="settings"/> and creates the codec for <paramref name="site"/>.</summary>
    /// <exception cref="BadInputException">An unknown method or a parameter out of range.</exception>
    public static ICodec Create(CodecSettings settings, CodecSite site)
    {
        var method = settings.Check();
        return Catalog.Get(method)(settings, site);
    }

    private static QuantizationCodec Quantiser(int bits, CodecSettings s, CodecSite site) =>
        new(bits, s.StochasticRounding, s.Scale, s.CompressBackward, site.Seed);

    private static SparseCodec Sparse(SparseSelection selection, CodecSettings s, CodecSite site, bool feedback) =>
        new(selection, s.K, s.TargetRatio, feedback, site.Seed);
}
