using Frugal.Core.Randomness;

namespace Frugal.Core.Distributions;

/// <summary>
/// A categorical distribution over 0..K-1 with the given (unnormalised) weights, sampled in O(1)
/// by Vose's alias method.
/// </summary>
public sealed class Categorical : IDiscreteDistribution
{
    private readonly double[] _probabilities;
    private readonly double[] _threshold;
    private readonly int[] _alias;

    /// <summary>The distribution whose probabilities are <paramref name="weights"/> scaled to sum to 1.</summary>
    /// <exception cref="ArgumentException">There are no weights, or their sum is 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    public Categorical(IReadOnlyList<double> weights)
    {
        if (weights.Count == 0) throw new ArgumentException("a categorical distribution needs at least one weight.",
            nameof(weights));
        double total = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                throw new ArgumentOutOfRangeException(nameof(weights), weights[i],
                    $"weight {i} must be a non-negative finite number.");
            total += weights[i];
        }
        if (!(total > 0)) throw new ArgumentException("at least one weight must be positive.", nameof(weights));

        var k = weights.Count;
        _probabilities = new double[k];
        for (var i = 0; i < k; i++) _probabilities[i] = weights[i] / total;
        (_threshold, _alias) = BuildAliasTable(_probabilities);
    }

    /// <inheritdoc/>
    public string Name =>
        "Categorical("
        + string.Join(", ",
        _probabilities.Select(p => p.ToString("G3", System.Globalization.CultureInfo.InvariantCulture))) + ")";
    /// <inheritdoc/>
    public long Min => 0;
    /// <inheritdoc/>
    public long Max => _probabilities.Length - 1;
    /// <summary>K, the number of categories.</summary>
    public int Count => _probabilities.Length;
    /// <summary>The normalised probability of each category.</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;
    /// <inheritdoc/>
    public double Probability(long k) => k < 0 || k >= _probabilities.Length ? 0 : _probabilities[k];

    /// <inheritdoc/>
    public long Sample(RandomStream random) => SampleIndex(random);

    /// <summary>Draws a category, as an index into <see cref="Probabilities"/>.</summary>
    public int SampleIndex(RandomStream random)
    {
        var column = random.Next(_threshold.Length);
        return random.NextDouble() < _threshold[column] ? column : _alias[column];
    }

    private static (double[] Threshold, int[] Alias) BuildAliasTable(double[] probabilities)
    {
        var k = probabilities.Length;
        var threshold = new double[k];
        var alias = new int[k];
        var scaled = probabilities.Select(p => p * k).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var i = 0; i < k; i++) (scaled[i] < 1 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            var s = small.Pop();
            var l = large.Pop();
            threshold[s] = scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }
        // Whatever is left is 1 up to rounding.
        foreach (var i in large.Concat(small))
        {
            threshold[i] = 1;
            alias[i] = i;
        }
        return (threshold, alias);
    }
}
