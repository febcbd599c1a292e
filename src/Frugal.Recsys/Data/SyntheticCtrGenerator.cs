using Frugal.Core.Randomness;

namespace Frugal.Recsys.Data;

/// <summary>
/// Click-through samples with the skew of real recommendation data (§6.1 of the design): each table's ids follow a
/// Zipf law whose exponent is solved so that the top <see cref="TopFraction"/> of all rows draws
/// <see cref="TopShare"/> of all accesses (the paper's "1% of embeddings get 92% of accesses"), scattered over the id
/// space by a seeded permutation. Labels are Bernoulli(σ(b0 + w·x + Σ β_t(id))), the per-row effects hashed from the
/// seed so nothing is stored. Deterministic from the seed node.
/// </summary>
public sealed class SyntheticCtrGenerator : IBatchSource
{
    /// <summary>The skew target: the hottest 1% of rows ...</summary>
    public const double TopFraction = 0.01;

    /// <summary>... take 92% of the accesses.</summary>
    public const double TopShare = 0.92;

    private const double Ctr = 0.25;
    private const double EffectDeviation = 0.5;

    private readonly int[] _cardinalities;
    private readonly double[][] _cdfs;
    private readonly int[][] _permutations;
    private readonly float[] _weights = new float[CtrBatch.DenseCount];
    private readonly double _bias;
    private readonly ulong _effectSeed;
    private readonly RandomStream _random;
    private readonly int _driftBatches;
    private long _batches;

    /// <param name="cardinalities">Rows per table.</param>
    /// <param name="seeds">The run's seed node (streams "synthetic", "permutations", "weights", "effects").</param>
    /// <param name="driftBatches">Shift every table's hot set every this many batches; 0 = never.</param>
    public SyntheticCtrGenerator(IReadOnlyList<int> cardinalities, SeedTree seeds, int driftBatches = 0)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        _cardinalities = [.. cardinalities];
        _driftBatches = driftBatches;
        _random = seeds.Stream("synthetic");
        var permutations = seeds.Stream("permutations");
        _cdfs = new double[_cardinalities.Length][];
        _permutations = new int[_cardinalities.Length][];
        var exponent = Exponent(_cardinalities);
        for (var t = 0; t < _cardinalities.Length; t++)
        {
            _cdfs[t] = ZipfCdf(_cardinalities[t], exponent);
            _permutations[t] = Permutation(_cardinalities[t], permutations);
        }
        var weights = seeds.Stream("weights");
        for (var j = 0; j < _weights.Length; j++) _weights[j] = (float)(0.3 * Normal(weights));
        // b0 puts the mean logit near logit(CTR): the dense part's mean is estimated from draws of its own stream.
        var calibration = seeds.Stream("calibration");
        var mean = 0.0;
        const int draws = 4096;
        for (var s = 0; s < draws; s++)
            for (var j = 0; j < _weights.Length; j++) mean += _weights[j] * DenseValue(calibration) / draws;
        _bias = Math.Log(Ctr / (1 - Ctr)) - mean;
        _effectSeed = seeds.SeedOf("effects");
    }

    /// <summary>
    /// The Kaggle Criteo tables divided by <paramref name="divisor"/> (at least 4 rows each): 26 tables,
    /// 33,762,577 rows at full size.
    /// </summary>
    public static int[] KaggleCardinalities(int divisor) =>
    [
        .. new[]
        {
            1460, 583, 10131227, 2202608, 305, 24, 12517, 633, 3, 93145, 5683, 8351593, 3194, 27, 14992, 5461306,
            10, 5652, 2173, 4, 7046547, 18, 15, 286181, 105, 142572,
        }.Select(n => Math.Max(4, n / divisor)),
    ];

    /// <summary>
    /// The Zipf exponent s, shared by all tables, for which the hottest 1% of all rows (pooled over the tables, each
    /// table drawn once per sample) take 92% of the accesses; solved by bisection, as the share grows with s.
    /// </summary>
    public static double Exponent(IReadOnlyList<int> cardinalities)
    {
        var top = (long)Math.Round(cardinalities.Sum(n => (long)n) * TopFraction);
        double low = 0, high = 16;
        for (var step = 0; step < 50; step++)
        {
            var middle = (low + high) / 2;
            if (Share(cardinalities, top, middle) < TopShare) low = middle;
            else high = middle;
        }
        return (low + high) / 2;
    }

    // The accesses the `top` most probable rows take: every row at or above a probability threshold, the threshold
    // found by bisection (each table's probabilities fall with rank, so a table's count above it is a search).
    private static double Share(IReadOnlyList<int> cardinalities, long top, double s)
    {
        var cdfs = cardinalities.Select(n => ZipfCdf(n, s)).ToArray();
        double Probability(int t, int rank) => cdfs[t][rank] - (rank == 0 ? 0 : cdfs[t][rank - 1]);
        int Above(int t, double threshold)
        {
            int lo = 0, hi = cdfs[t].Length;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (Probability(t, mid) >= threshold) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
        double low = 0, high = 1;
        for (var step = 0; step < 60; step++)
        {
            var middle = (low + high) / 2;
            var count = Enumerable.Range(0, cdfs.Length).Sum(t => (long)Above(t, middle));
            if (count > top) low = middle;
            else high = middle;
        }
        return Enumerable.Range(0, cdfs.Length).Sum(t => Above(t, high) is var k and > 0 ? cdfs[t][k - 1] : 0)
            / cdfs.Length;
    }

    /// <inheritdoc />
    public CtrBatch? Next(int size)
    {
        var batch = new CtrBatch(size, _cardinalities.Length);
        var shift = _driftBatches > 0 ? _batches / _driftBatches : 0;
        for (var s = 0; s < size; s++)
        {
            var logit = _bias;
            for (var j = 0; j < CtrBatch.DenseCount; j++)
            {
                var x = DenseValue(_random);
                batch.Dense[s * CtrBatch.DenseCount + j] = x;
                logit += _weights[j] * x;
            }
            for (var t = 0; t < _cardinalities.Length; t++)
            {
                var rank = SampleRank(_cdfs[t], _random.NextDouble());
                var id = _permutations[t][(int)((rank + shift * 7919) % _cardinalities[t])];
                batch.Ids[s * _cardinalities.Length + t] = id;
                logit += Effect(t, id);
            }
            batch.Labels[s] = _random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? (byte)1 : (byte)0;
        }
        _batches++;
        return batch;
    }

    /// <inheritdoc />
    public void Dispose() { }

    private static double[] ZipfCdf(int rows, double s)
    {
        var cdf = new double[rows];
        var sum = 0.0;
        for (var k = 0; k < rows; k++) cdf[k] = sum += Math.Pow(k + 1, -s);
        for (var k = 0; k < rows; k++) cdf[k] /= sum;
        return cdf;
    }

    // The 0-based rank whose cumulative probability first reaches u (inverse CDF by binary search).
    private static int SampleRank(double[] cdf, double u)
    {
        var index = Array.BinarySearch(cdf, u);
        return Math.Min(index >= 0 ? index : ~index, cdf.Length - 1);
    }

    private static int[] Permutation(int rows, RandomStream random)
    {
        var permutation = new int[rows];
        for (var i = 0; i < rows; i++) permutation[i] = i;
        for (var i = rows - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
        return permutation;
    }

    // A log-normal count, transformed as Criteo's dense features are: ln(1 + x).
    private static float DenseValue(RandomStream random) => (float)Math.Log(1 + Math.Exp(Normal(random)));

    private static double Normal(RandomStream random) =>
        Math.Sqrt(-2 * Math.Log(random.NextDoubleNonZero())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // β_t(id) ~ N(0, τ²) from a hash of (seed, table, id): the same row always has the same effect.
    private double Effect(int table, int id)
    {
        var key = RowKey.Of(table, id);
        var u1 = 1 - RowHash.Uniform(_effectSeed, key, 0);
        var u2 = RowHash.Uniform(_effectSeed, key, 1);
        return EffectDeviation * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
