using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// A method by name: an optimiser (<see cref="OptimizerCatalog"/>: <c>random</c>, <c>lhs</c>, <c>gp</c>, <c>smac</c>)
/// alone, or wrapped in parts of LlamaTune as <c>&lt;parts&gt;-&lt;optimizer&gt;</c>, parts from
/// <see cref="AdapterCatalog"/>: <c>llamatune</c> (HeSBO, special values, buckets; for <c>gp</c> without buckets, as
/// the reference's OpenBox-GP configurations), <c>special</c>, <c>hesbo</c>, <c>rembo</c> and <c>bucket</c>, e.g.
/// <c>hesbo-special-smac</c>.
/// </summary>
public sealed class TuningMethod
{
    /// <summary>The name errors give the method (<see cref="BadInputException.Setting"/>).</summary>
    public const string Setting = "method";

    private readonly IReadOnlyList<ISpaceAdapter> _adapters;

    private TuningMethod(string name, string optimizer, IReadOnlyList<ISpaceAdapter> adapters, AdapterSettings settings)
    {
        Name = name;
        Optimizer = optimizer;
        _adapters = adapters;
        Settings = settings;
    }

    /// <summary>The method's name, trimmed and in lower case.</summary>
    public string Name { get; }

    /// <summary>The optimiser inside the adapters.</summary>
    public string Optimizer { get; }

    /// <summary>The adapters' names, in the order they wrap the knob space (none for a plain optimiser).</summary>
    public IReadOnlyList<string> Adapters => _adapters.Select(a => a.Name).ToArray();

    /// <summary>The adapters' numbers (those no adapter of the method uses are checked all the same).</summary>
    public AdapterSettings Settings { get; }

    /// <summary>
    /// Whether the optimiser sees the knobs unchanged (a plain optimiser, the baseline of a LlamaTune comparison).
    /// </summary>
    public bool IsPlain => _adapters.Count == 0;

    /// <param name="name">The method's name.</param>
    /// <param name="dimensions">Overrides the low dimension.</param>
    /// <param name="bias">Overrides the special-value bias.</param>
    /// <param name="buckets">Overrides the bucket count.</param>
    /// <exception cref="UnknownNameException">An unknown optimiser or part; the message lists the known
    /// ones.</exception>
    /// <exception cref="BadInputException">Parts that exclude each other or repeat, or a setting out of
    /// range.</exception>
    public static TuningMethod Parse(string name, int? dimensions = null, double? bias = null, int? buckets = null)
    {
        var canonical = name.Trim().ToLowerInvariant();
        var tokens = canonical.Split('-');
        var optimizer = OptimizerCatalog.Optimizers.Canonical(tokens[^1]);
        var parts = tokens[..^1].Select(AdapterCatalog.Parts.Canonical).ToArray();
        if (parts.Distinct().Count() != parts.Length)
            throw new BadInputException($"method '{name}' names a part twice", Setting);
        var settings = new AdapterSettings(
            dimensions ?? AdapterSettings.DefaultDimensions,
            bias ?? AdapterSettings.DefaultBias,
            buckets ?? AdapterSettings.DefaultBuckets);
        var adapters = parts.SelectMany(part => AdapterCatalog.Parts.Get(part)(settings, optimizer))
            .DistinctBy(a => a.Name).OrderBy(AdapterCatalog.Order).ToArray();
        if (adapters.Count(a => a is HeSboProjection or RemboProjection) > 1)
            throw new BadInputException($"method '{name}': hesbo and rembo are two projections; pick one", Setting);
        settings.Validate();
        return new TuningMethod(canonical, optimizer, adapters, settings);
    }

    /// <summary>Several methods by name (a comparison's), each once.</summary>
    /// <exception cref="BadInputException">No name, a name given twice, or any error of <see
    /// cref="Parse"/>.</exception>
    public static IReadOnlyList<TuningMethod> ParseAll(
        IReadOnlyCollection<string> names, int? dimensions = null, double? bias = null, int? buckets = null)
    {
        if (names.Count == 0) throw new BadInputException("no method named", Setting);
        var methods = names.Select(n => Parse(n, dimensions, bias, buckets)).ToArray();
        var twice = methods.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new BadInputException($"method '{twice.Key}' is named twice", Setting);
        return methods;
    }

    /// <summary>The method's adapters around <paramref name="space"/>.</summary>
    /// <param name="space">The knobs.</param>
    /// <param name="seeds">The run's adapter seeds (a projection draws from them).</param>
    /// <exception cref="BadInputException">A setting does not fit the space (see <see
    /// cref="SpaceAdapter"/>).</exception>
    public SpaceAdapter CreateAdapter(SearchSpace space, SeedTree seeds) => new(space, _adapters, seeds);

    /// <summary>The settings a history records, so a resume under other settings is refused.</summary>
    public string Describe()
    {
        var culture = CultureInfo.InvariantCulture;
        var buckets = _adapters.Any(a => a is Bucketisation) ? Settings.Buckets.ToString(culture) : "none";
        return $"{Name} (d={Settings.Dimensions}, bias={Settings.Bias.ToString(culture)}, buckets={buckets})";
    }
}
