using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// LlamaTune as a wrapper around any optimiser: it gives the optimiser a box of <see cref="Dimensions"/> and turns each
/// point the optimiser picks into a configuration. Without a projection the box has one dimension per knob (categorical
/// and boolean knobs discrete with one level per choice, integer knobs one level per value or, bucketised, K levels);
/// with HeSBO or REMBO it has d dimensions (K levels each when bucketised) and every knob's position is computed from them.
/// The projection (HeSBO's h and σ, REMBO's matrix) is drawn from the run's seed, so a resumed run rebuilds it exactly.
/// </summary>
public sealed class SpaceAdapter
{
    private readonly KnobDecoder[] _decoders;
    private readonly int[] _hash = [];
    private readonly double[] _sign = [];
    private readonly double[,] _matrix = new double[0, 0];

    /// <exception cref="ArgumentException">The settings do not fit the space (a projection to as many dimensions as knobs, bad probabilities).</exception>
    public SpaceAdapter(SearchSpace space, AdapterSettings settings, SeedTree seeds)
    {
        settings.Validate();
        Space = space;
        Settings = settings;
        _decoders = space.Knobs.Select(k => new KnobDecoder(k, settings.SpecialBias, settings.Bias)).ToArray();
        var knobs = space.Knobs.Count;
        if (settings.Projection == Projection.None)
        {
            Dimensions = _decoders.Select(IdentityDimension).ToArray();
            return;
        }
        if (settings.Dimensions >= knobs)
            throw new ArgumentException($"--dims: a projection needs fewer low dimensions ({settings.Dimensions}) than knobs ({knobs} in space '{space.Name}').");
        var levels = settings.Buckets ?? 0;
        Dimensions = Enumerable.Range(0, settings.Dimensions).Select(i => new OptimizerDimension($"{settings.Projection.ToString().ToLowerInvariant()}_{i}", levels)).ToArray();
        var random = seeds.Stream("projection");
        if (settings.Projection == Projection.HeSbo)
        {
            _hash = new int[knobs];
            _sign = new double[knobs];
            for (var i = 0; i < knobs; i++)
            {
                _hash[i] = random.Next(settings.Dimensions);
                _sign[i] = random.Next(2) == 0 ? -1 : 1;
            }
        }
        else
        {
            _matrix = new double[knobs, settings.Dimensions];
            var normal = new MathNet.Numerics.Distributions.Normal(0, 1, random);
            for (var i = 0; i < knobs; i++)
                for (var j = 0; j < settings.Dimensions; j++) _matrix[i, j] = normal.Sample();
        }
    }

    public SearchSpace Space { get; }
    public AdapterSettings Settings { get; }

    /// <summary>The box the optimiser searches.</summary>
    public IReadOnlyList<OptimizerDimension> Dimensions { get; }

    /// <summary>Whether the optimiser sees a projection (not knobs): then known configurations cannot be mapped back into its box.</summary>
    public bool IsProjected => Settings.Projection != Projection.None;

    /// <summary>HeSBO's hash: the low dimension each knob copies.</summary>
    internal IReadOnlyList<int> Hash => _hash;

    /// <summary>HeSBO's signs, ±1 per knob.</summary>
    internal IReadOnlyList<double> Sign => _sign;

    /// <summary>The configuration a box point stands for.</summary>
    public IReadOnlyDictionary<string, object> Decode(double[] point)
    {
        var positions = Positions(point);
        var configuration = new Dictionary<string, object>(_decoders.Length);
        for (var i = 0; i < _decoders.Length; i++) configuration[_decoders[i].Knob.Name] = _decoders[i].Decode(positions[i]);
        return configuration;
    }

    /// <summary>
    /// The box point of a known configuration (the default, to show it to the optimiser), or null under a projection:
    /// HeSBO and REMBO are not invertible.
    /// </summary>
    public double[]? Encode(IReadOnlyDictionary<string, object> configuration)
    {
        if (IsProjected) return null;
        var point = _decoders.Select(d => d.Encode(configuration[d.Knob.Name])).ToArray();
        return Box.Snap(Dimensions, point);
    }

    /// <summary>Each knob's position u ∈ [0, 1] for a box point (before special-value biasing and decoding).</summary>
    internal double[] Positions(double[] point)
    {
        if (point.Length != Dimensions.Count) throw new ArgumentException($"a point of {point.Length} coordinates for a box of {Dimensions.Count}.", nameof(point));
        var snapped = Box.Snap(Dimensions, point);
        var knobs = _decoders.Length;
        var positions = new double[knobs];
        switch (Settings.Projection)
        {
            case Projection.None:
                return snapped;
            case Projection.HeSbo:
                // y ∈ [−1, 1]^d; x_i = σ_i·y_h(i); u_i = (x_i + 1)/2.
                for (var i = 0; i < knobs; i++) positions[i] = Math.Clamp((_sign[i] * (2 * snapped[_hash[i]] - 1) + 1) / 2, 0, 1);
                return positions;
            default:
                // y ∈ [−√d, √d]^d; x = A·y, rescaled from [−√d, √d] to [0, 1] and clipped.
                var root = Math.Sqrt(Dimensions.Count);
                for (var i = 0; i < knobs; i++)
                {
                    var x = 0.0;
                    for (var j = 0; j < Dimensions.Count; j++) x += _matrix[i, j] * (2 * snapped[j] - 1) * root;
                    positions[i] = Math.Clamp((x / root + 1) / 2, 0, 1);
                }
                return positions;
        }
    }

    private OptimizerDimension IdentityDimension(KnobDecoder decoder)
    {
        var knob = decoder.Knob;
        if (knob.Choices > 0) return new OptimizerDimension(knob.Name, knob.Choices);
        var buckets = Settings.Buckets;
        var biased = decoder.SpecialMass > 0;
        if (knob.Type == KnobType.Integer && !knob.LogScale && !biased)
        {
            // One level per value; bucketisation caps a wide range at K levels, mapped back linearly.
            var count = knob.IntegerCount;
            if (buckets is { } k && count > k) return new OptimizerDimension(knob.Name, k);
            if (count <= int.MaxValue) return new OptimizerDimension(knob.Name, (int)count);
        }
        return new OptimizerDimension(knob.Name, buckets is { } levels && (biased || knob.Type == KnobType.Integer) ? levels : 0);
    }
}
