using Frugal.Tuning.Optimizers;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// A method by name: an optimiser (<c>random</c>, <c>lhs</c>, <c>gp</c>, <c>smac</c>) alone, or wrapped in LlamaTune's
/// parts as <c>&lt;parts&gt;-&lt;optimizer&gt;</c>, parts from <c>llamatune</c> (all three: HeSBO, special values,
/// buckets — for <c>gp</c> without buckets, as the reference's OpenBox-GP configurations), <c>hesbo</c>, <c>rembo</c>,
/// <c>special</c> and <c>bucket</c>, e.g. <c>hesbo-special-smac</c>.
/// </summary>
public sealed record TuningMethod(string Name, string Optimizer, AdapterSettings Adapter)
{
    public static IReadOnlyList<string> Parts { get; } = ["llamatune", "hesbo", "rembo", "special", "bucket"];

    /// <summary>Whether the optimiser sees the knobs unchanged (a plain optimiser, the baseline of a LlamaTune comparison).</summary>
    public bool IsPlain => Adapter.IsIdentity;

    /// <param name="name">The method's name.</param>
    /// <param name="dimensions">Overrides the low dimension (<c>--dims</c>).</param>
    /// <param name="bias">Overrides the special-value bias (<c>--bias</c>).</param>
    /// <param name="buckets">Overrides the bucket count (<c>--buckets</c>).</param>
    /// <exception cref="ArgumentException">An unknown part or optimiser, or parts that exclude each other; the message lists the known ones.</exception>
    public static TuningMethod Parse(string name, int? dimensions = null, double? bias = null, int? buckets = null)
    {
        var tokens = name.Trim().ToLowerInvariant().Split('-');
        var optimizer = tokens[^1];
        if (!OptimizerCatalog.Names.Contains(optimizer) || tokens.Take(tokens.Length - 1).Any(t => !Parts.Contains(t)))
            throw new ArgumentException($"unknown method '{name}' (known: {string.Join(", ", OptimizerCatalog.Names)}, or <parts>-<optimizer> with parts from {string.Join(", ", Parts)})");
        var parts = tokens[..^1].ToHashSet();
        if (parts.Count != tokens.Length - 1) throw new ArgumentException($"method '{name}' names a part twice.");
        if (parts.Contains("llamatune"))
        {
            parts.UnionWith(["hesbo", "special"]);
            if (optimizer != "gp") parts.Add("bucket");
        }
        if (parts.Contains("hesbo") && parts.Contains("rembo")) throw new ArgumentException($"method '{name}': hesbo and rembo are two projections; pick one.");
        var settings = new AdapterSettings(
            Projection: parts.Contains("hesbo") ? Projection.HeSbo : parts.Contains("rembo") ? Projection.Rembo : Projection.None,
            Dimensions: dimensions ?? AdapterSettings.DefaultDimensions,
            SpecialBias: parts.Contains("special"),
            Bias: bias ?? AdapterSettings.DefaultBias,
            Buckets: parts.Contains("bucket") ? buckets ?? AdapterSettings.DefaultBuckets : null);
        settings.Validate();
        return new TuningMethod(name.Trim().ToLowerInvariant(), optimizer, settings);
    }

    /// <summary>The settings a history records, so a resume under other settings is refused.</summary>
    public string Describe() =>
        $"{Name} (d={Adapter.Dimensions}, bias={Adapter.Bias.ToString(System.Globalization.CultureInfo.InvariantCulture)}, buckets={Adapter.Buckets?.ToString() ?? "none"})";
}
