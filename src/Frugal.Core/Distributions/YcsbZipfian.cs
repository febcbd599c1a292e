using Frugal.Core.Randomness;

namespace Frugal.Core.Distributions;

/// <summary>
/// YCSB's <c>ZipfianGenerator</c> (Gray et al., "Quickly generating billion-record synthetic
/// databases"): rank 0 (= min) is the most popular item. It reproduces YCSB's key popularity so
/// that our workloads match the published benchmarks. θ must lie in [0, 1).
/// The algorithm is exact for ranks 0 and 1 and approximates the Zipf law for the rest;
/// <see cref="Probability"/> gives the generator's own exact law, derived from its inversion
/// formula, and <see cref="Zipf"/> gives the ideal law.
/// </summary>
public sealed class YcsbZipfian : IDiscreteDistribution
{
    private readonly long _n;
    private readonly double _theta;
    private readonly double _alpha;
    private readonly double _zetaN;
    private readonly double _eta;
    private readonly double _halfPowTheta;

    /// <summary>
    /// YCSB's zipfian generator on [<paramref name="min"/>, <paramref name="max"/>] with skew <paramref name="theta"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">max is below min, or theta is outside [0, 1).</exception>
    public YcsbZipfian(long min, long max, double theta)
    {
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), max, "max must not be below min.");
        if (!(theta >= 0 && theta < 1))
            throw new ArgumentOutOfRangeException(nameof(theta), theta,
                "YCSB's zipfian generator needs 0 <= theta < 1 (use Zipf for theta >= 1).");
        Min = min;
        Max = max;
        _n = max - min + 1;
        _theta = theta;
        _alpha = 1 / (1 - theta);
        _zetaN = Zeta.PartialSum(_n, theta);
        _halfPowTheta = Math.Pow(0.5, theta);
        var zeta2 = Zeta.PartialSum(Math.Min(2, _n), theta);
        _eta = _n <= 2 ? 1 : (1 - Math.Pow(2.0 / _n, 1 - theta)) / (1 - zeta2 / _zetaN);
    }

    /// <summary>YCSB's default skew, its "zipfian constant".</summary>
    public const double DefaultTheta = 0.99;

    /// <inheritdoc/>
    public long Min { get; }
    /// <inheritdoc/>
    public long Max { get; }
    /// <summary>θ, the skew: 0 is uniform, values near 1 concentrate on the first items.</summary>
    public double Theta => _theta;
    /// <summary>How many items [Min, Max] holds.</summary>
    public long ItemCount => _n;
    /// <inheritdoc/>
    public string Name => FormattableString.Invariant($"YCSB zipfian(n={_n}, θ={_theta:G4})");

    /// <inheritdoc/>
    public long Sample(RandomStream random) => Min + SampleRank(random.NextDouble());

    /// <summary>The 0-based rank that YCSB's formula maps the uniform draw <paramref name="u"/> to.</summary>
    internal long SampleRank(double u)
    {
        var uz = u * _zetaN;
        if (uz < 1) return 0;
        if (uz < 1 + _halfPowTheta) return 1;
        var rank = (long)(_n * Math.Pow(Math.Max(0, _eta * u - _eta + 1), _alpha));
        return Math.Min(rank, _n - 1);
    }

    /// <inheritdoc/>
    public double Probability(long k) => k < Min || k > Max ? 0 : RankCdf(k - Min) - RankCdf(k - Min - 1);

    /// <summary>
    /// P(rank ≤ r) under the generator's exact law: the measure of the draws u that map to ranks ≤ r.
    /// </summary>
    public double RankCdf(long r)
    {
        if (r < 0) return 0;
        if (r >= _n - 1) return 1;
        var c1 = 1 / _zetaN;
        var c2 = Math.Min(1, (1 + _halfPowTheta) / _zetaN);
        var mass = c1 + (r >= 1 ? c2 - c1 : 0);
        // Draws u ≥ c2 map to floor(n·(ηu − η + 1)^α); that is ≤ r exactly when u < t(r).
        var t = (Math.Pow((r + 1.0) / _n, 1 - _theta) - 1 + _eta) / _eta;
        return mass + Math.Clamp(t - c2, 0, 1 - c2);
    }
}

/// <summary>
/// YCSB's <c>ScrambledZipfianGenerator</c>: a zipfian rank over YCSB's fixed space of 10^10
/// items, hashed (64-bit FNV-1a of the rank's bytes) onto [min, max], so popular items are
/// scattered across the key space instead of clustered at its start.
/// </summary>
public sealed class YcsbScrambledZipfian : IDiscreteDistribution
{
    /// <summary>YCSB's fixed rank space (its <c>ITEM_COUNT</c>).</summary>
    public const long RankSpace = 10_000_000_000L;

    private readonly YcsbZipfian _ranks;
    private readonly long _n;
    private readonly Lazy<double[]> _itemLaw;

    /// <summary>
    /// YCSB's scrambled zipfian on [<paramref name="min"/>, <paramref name="max"/>] with skew <paramref name="theta"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">max is below min, or theta is outside [0, 1).</exception>
    public YcsbScrambledZipfian(long min, long max, double theta = YcsbZipfian.DefaultTheta)
    {
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), max, "max must not be below min.");
        Min = min;
        Max = max;
        _n = max - min + 1;
        _ranks = new YcsbZipfian(0, RankSpace - 1, theta);
        _itemLaw = new Lazy<double[]>(() => ItemProbabilities());
    }

    /// <inheritdoc/>
    public long Min { get; }
    /// <inheritdoc/>
    public long Max { get; }
    /// <inheritdoc/>
    public string Name => FormattableString.Invariant($"YCSB scrambled zipfian(n={_n}, θ={_ranks.Theta:G4})");

    /// <inheritdoc/>
    public long Sample(RandomStream random) => ItemOfRank(_ranks.Sample(random));

    /// <summary>The item YCSB maps a rank to.</summary>
    public long ItemOfRank(long rank) => Min + (long)(FnvHash64(rank) % (ulong)_n);

    /// <summary>
    /// The law over items, up to a bounded error: ranks below <paramref name="exactRanks"/> are
    /// hashed one by one with their exact generator probability; the remaining mass, spread by the
    /// hash over billions of ranks, is shared equally among the items. Needs n small enough to
    /// hold one double per item.
    /// </summary>
    public double[] ItemProbabilities(long exactRanks = 1_000_000)
    {
        if (_n > 50_000_000) throw new InvalidOperationException($"{_n} items are too many to tabulate.");
        var probabilities = new double[_n];
        exactRanks = Math.Min(exactRanks, RankSpace);
        double previous = 0;
        for (long rank = 0; rank < exactRanks; rank++)
        {
            var cdf = _ranks.RankCdf(rank);
            probabilities[ItemOfRank(rank) - Min] += cdf - previous;
            previous = cdf;
        }
        var tailShare = (1 - previous) / _n;
        for (var i = 0; i < _n; i++) probabilities[i] += tailShare;
        return probabilities;
    }

    /// <inheritdoc/>
    public double Probability(long k) => k < Min || k > Max ? 0 : _itemLaw.Value[k - Min];

    /// <summary>
    /// YCSB's <c>Utils.fnvhash64</c>: FNV-1a over the 8 little-endian bytes, then the absolute value.
    /// </summary>
    public static ulong FnvHash64(long value)
    {
        unchecked
        {
            var hash = (long)0xCBF29CE484222325UL;
            for (var i = 0; i < 8; i++)
            {
                hash ^= value & 0xFF;
                value >>= 8;
                hash *= 1099511628211L;
            }
            // Java's Math.abs leaves long.MinValue negative; its magnitude fits in a ulong.
            return hash == long.MinValue ? 1UL << 63 : (ulong)Math.Abs(hash);
        }
    }
}
