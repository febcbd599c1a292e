using Frugal.Core.Randomness;
using Mn = MathNet.Numerics.Distributions;

namespace Frugal.Core.Distributions;

/// <summary>
/// The Dirichlet distribution over probability vectors with concentration parameters α.
/// Its i-th marginal is Beta(α_i, α_0 − α_i), where α_0 = Σα.
/// </summary>
public sealed class Dirichlet : ISampler<double[]>
{
    private readonly double[] _alpha;

    /// <summary>The Dirichlet distribution with concentration parameters <paramref name="alpha"/>.</summary>
    /// <exception cref="ArgumentException">There are fewer than two parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not a positive finite number.</exception>
    public Dirichlet(IReadOnlyList<double> alpha)
    {
        if (alpha.Count
            < 2) throw new ArgumentException("a Dirichlet distribution needs at least two concentration parameters.",
            nameof(alpha));
        for (var i = 0; i < alpha.Count; i++) Check.Positive(alpha[i], $"alpha[{i}]");
        _alpha = alpha.ToArray();
        Concentration = _alpha.Sum();
    }

    /// <summary>α, the concentration parameters, one per component.</summary>
    public IReadOnlyList<double> Alpha => _alpha;
    /// <summary>How many components each sampled probability vector has.</summary>
    public int Dimension => _alpha.Length;

    /// <summary>α_0, the sum of the concentration parameters.</summary>
    public double Concentration { get; }

    /// <summary>A short description with its parameters, e.g. <c>Dirichlet(1, 1, 1)</c>.</summary>
    public string Name =>
        "Dirichlet("
        + string.Join(", ", _alpha.Select(a => a.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))
        + ")";

    /// <summary>The expected probability vector, α / α_0.</summary>
    public double[] Mean => _alpha.Select(a => a / Concentration).ToArray();

    /// <summary>Draws a probability vector (non-negative, summing to 1).</summary>
    public double[] Sample(RandomStream random) => Mn.Dirichlet.Sample(random, _alpha);

    /// <summary>The CDF of the i-th marginal, Beta(α_i, α_0 − α_i).</summary>
    public double MarginalCdf(int i, double x) =>
        Mn.Beta.CDF(_alpha[i], Concentration - _alpha[i], Math.Clamp(x, 0, 1));
}
