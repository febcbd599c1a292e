using Frugal.Core.Randomness;

namespace Frugal.Tuning.Optimizers;

/// <summary>
/// Settings of a <see cref="BayesianOptimizer"/>. Candidate counts bound the cost of a suggestion, which must stay well
/// under a second at 90 dimensions so that a 100-iteration run takes seconds.
/// </summary>
/// <param name="InitialDesign">Latin hypercube points suggested before any model is fitted.</param>
/// <param name="RandomCandidates">Uniform points the acquisition is evaluated at each suggestion.</param>
/// <param name="LocalSearchStarts">Local searches per suggestion from the best observed points, and as many again from
/// the best candidates.</param>
/// <param name="LocalSearchSteps">Most moves of one local search.</param>
/// <param name="NeighboursPerContinuousDimension">Gaussian (σ = 0.2) moves of each continuous coordinate per
/// step.</param>
/// <param name="RandomSuggestionProbability">Chance that a suggestion is uniform instead of model-based (SMAC's
/// interleaving).</param>
/// <param name="IncumbentFromModel">EI's η is the best predicted mean at a feasible observed point (SMAC) instead of
/// the best observed value.</param>
internal sealed record BayesianOptimizerOptions(
    int InitialDesign = 10,
    int RandomCandidates = 2000,
    int LocalSearchStarts = 10,
    int LocalSearchSteps = 10,
    int NeighboursPerContinuousDimension = 4,
    double RandomSuggestionProbability = 0,
    bool IncumbentFromModel = false);

/// <summary>
/// Sequential model-based optimisation: a Latin hypercube initial design, then at every suggestion one surrogate
/// per metric (objective and each constraint) refitted on all observations, and the point maximising constrained
/// expected improvement EI(x) · Π_k P(c_k(x) ≤ 0) (in log form). Until a feasible point is seen it maximises the
/// probability of feasibility alone. The acquisition is maximised over uniform candidates plus best-improvement local
/// search in the one-exchange neighbourhood (one coordinate moves: a Gaussian step on a continuous one, the adjacent
/// levels of a discrete one), started from the best observed points and the best candidates.
/// <c>gp</c> and <c>smac</c> are this loop with a Gaussian process and a random forest.
/// </summary>
internal sealed class BayesianOptimizer : IOptimizer
{
    /// <summary>
    /// The <c>gp</c> defaults: fewer local-search moves than SMAC, since a GP prediction costs O(n·d + n²).
    /// </summary>
    public static readonly BayesianOptimizerOptions GaussianProcessDefaults =
        new(RandomCandidates: 2000, LocalSearchStarts: 5, NeighboursPerContinuousDimension: 1);

    /// <summary>
    /// The <c>smac</c> defaults (SMAC4HPO): 10% random suggestions, η from the model, local search (at most 10 moves)
    /// from
    /// the 10 best observed points and the 10 best candidates, four Gaussian neighbours per continuous coordinate. SMAC
    /// evaluates 10,000 random challengers; 5,000 keeps a suggestion fast at 90 dimensions. Plain EI, not SMAC's log-EI
    /// on log-scaled cost: that needs positive costs, and minimised objectives here are often negated throughputs.
    /// </summary>
    public static readonly BayesianOptimizerOptions SmacDefaults =
        new(RandomCandidates: 5000, RandomSuggestionProbability: 0.1, IncumbentFromModel: true);

    private const double LocalStepDeviation = 0.2;
    private const int MaxRedraws = 10;

    private readonly IReadOnlyList<OptimizerDimension> _dimensions;
    private readonly RandomStream _random;
    private readonly BayesianOptimizerOptions _options;
    private readonly Func<ISurrogateFitter> _newFitter;
    private readonly List<ISurrogateFitter> _fitters = [];
    private readonly List<double[]> _points = [];
    private readonly List<Observation> _observations = [];
    private Queue<double[]>? _initialDesign;

    /// <summary>
    /// An optimiser fitting each metric with a fitter from <paramref name="newFitter"/> (one fitter per metric, kept
    /// across suggestions).
    /// </summary>
    public BayesianOptimizer(string name, IReadOnlyList<OptimizerDimension> dimensions, RandomStream random,
        Func<ISurrogateFitter> newFitter,
        BayesianOptimizerOptions options)
    {
        if (dimensions.Count == 0)
            throw new ArgumentException("an optimiser needs at least one dimension", nameof(dimensions));
        ArgumentOutOfRangeException.ThrowIfNegative(options.InitialDesign);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.RandomCandidates);
        ArgumentOutOfRangeException.ThrowIfNegative(options.LocalSearchStarts);
        ArgumentOutOfRangeException.ThrowIfNegative(options.LocalSearchSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(options.NeighboursPerContinuousDimension);
        if (options.RandomSuggestionProbability is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"random suggestion probability {options.RandomSuggestionProbability} is outside [0, 1]");
        Name = name;
        _dimensions = dimensions;
        _random = random;
        _newFitter = newFitter;
        _options = options;
    }

    /// <summary>
    /// The <c>gp</c> optimiser: Matérn 5/2 Gaussian processes with hyperparameters refitted at every suggestion.
    /// </summary>
    public static BayesianOptimizer WithGaussianProcess(IReadOnlyList<OptimizerDimension> dimensions,
        RandomStream random, BayesianOptimizerOptions? options = null) =>
        new("gp", dimensions, random, () => new GaussianProcessFitter(random), options ?? GaussianProcessDefaults);

    /// <summary>
    /// The <c>smac</c> optimiser: SMAC4HPO's random forests (<see cref="RandomForestOptions"/> defaults).
    /// </summary>
    public static BayesianOptimizer WithRandomForest(IReadOnlyList<OptimizerDimension> dimensions, RandomStream random,
        BayesianOptimizerOptions? options = null) =>
        new("smac", dimensions, random, () => new RandomForestFitter(random), options ?? SmacDefaults);

    public string Name { get; }

    public double[] Suggest()
    {
        _initialDesign ??= new Queue<double[]>(_options.InitialDesign == 0 ? []
            : LatinHypercube.Design(_dimensions, _options.InitialDesign, _random));
        if (_initialDesign.Count > 0)
            return _initialDesign.Dequeue();
        if (_observations.Count < 2 || _random.NextDouble() < _options.RandomSuggestionProbability)
            return Box.Sample(_dimensions, _random);
        return MaximiseAcquisition(Acquisition());
    }

    public void Observe(double[] point, Observation observation)
    {
        if (point.Length != _dimensions.Count)
            throw new ArgumentException(
                $"observed point has {point.Length} coordinates, the box has {_dimensions.Count} dimensions",
                nameof(point));
        if (point.Any(x => !(x >= 0 && x <= 1)))
            throw new ArgumentException(
                $"observed point ({string.Join(", ", point)}) is outside the [0, 1] box", nameof(point));
        if (!double.IsFinite(observation.Objective) || observation.Constraints.Any(c => !double.IsFinite(c)))
            throw new ArgumentException(
                $"observation {observation.Objective} [{string.Join(", ", observation.Constraints)}] is not finite",
                nameof(observation));
        if (_observations.Count > 0 && observation.Constraints.Count != _observations[0].Constraints.Count)
            throw new ArgumentException(
                $"observation has {observation.Constraints.Count} constraints, earlier ones had " +
                $"{_observations[0].Constraints.Count}", nameof(observation));
        _points.Add(Box.Snap(_dimensions, point));
        _observations.Add(observation);
    }

    /// <summary>log of the constrained EI, with a surrogate refitted per metric on every observation so far.</summary>
    private Func<double[], double> Acquisition()
    {
        var metrics = 1 + _observations[0].Constraints.Count;
        while (_fitters.Count < metrics)
            _fitters.Add(_newFitter());
        var objective = _fitters[0].Fit(_points, [.. _observations.Select(o => o.Objective)]);
        var constraints = Enumerable.Range(0, metrics - 1)
            .Select(k => _fitters[k + 1].Fit(_points, [.. _observations.Select(o => o.Constraints[k])]))
            .ToArray();

        double LogFeasibility(double[] x)
        {
            var sum = 0.0;
            foreach (var constraint in constraints)
            {
                var (mean, variance) = constraint.Predict(x);
                sum += ExpectedImprovement.LogProbabilityFeasible(mean, Math.Sqrt(variance));
            }
            return sum;
        }

        var feasible = Enumerable.Range(0, _points.Count).Where(i => _observations[i].Feasible).ToArray();
        if (feasible.Length == 0)
            return LogFeasibility;
        var incumbent =
            feasible.Min(i =>
            _options.IncumbentFromModel ? objective.Predict(_points[i]).Mean : _observations[i].Objective);
        return x =>
        {
            var (mean, variance) = objective.Predict(x);
            return ExpectedImprovement.Log(mean, Math.Sqrt(variance), incumbent) + LogFeasibility(x);
        };
    }

    private double[] MaximiseAcquisition(Func<double[], double> acquisition)
    {
        // Only the best candidates are kept (they seed local searches), so thousands of candidates cost one buffer.
        var keep = Math.Max(_options.LocalSearchStarts, 1);
        var top = new List<(double[] Point, double Value)>(keep + 1);
        var candidate = new double[_dimensions.Count];
        for (var i = 0; i < _options.RandomCandidates; i++)
        {
            Box.SampleInto(_dimensions, _random, candidate);
            var value = acquisition(candidate);
            if (top.Count == keep && value <= top[^1].Value)
                continue;
            var at = top.FindIndex(t => value > t.Value);
            top.Insert(at < 0 ? top.Count : at, ((double[])candidate.Clone(), value));
            if (top.Count > keep)
                top.RemoveAt(keep);
        }
        var best = top[0];
        var starts =
            _points.Select(p => (Point: p, Value: acquisition(p))).OrderByDescending(s => s.Value)
            .Take(_options.LocalSearchStarts)
            .Concat(top.Take(_options.LocalSearchStarts));
        foreach (var start in starts)
        {
            var local = LocalSearch(start, acquisition);
            if (local.Value > best.Value)
                best = local;
        }
        return best.Point;
    }

    /// <summary>
    /// Best-improvement hill climbing in the one-exchange neighbourhood, for at most <see
    /// cref="BayesianOptimizerOptions.LocalSearchSteps"/> moves.
    /// </summary>
    private (double[] Point, double Value) LocalSearch((double[] Point, double Value) start, Func<double[],
        double> acquisition)
    {
        var current = start;
        for (var step = 0; step < _options.LocalSearchSteps; step++)
        {
            var next = current;
            for (var j = 0; j < _dimensions.Count; j++)
            {
                foreach (var value in NeighbourValues(j, current.Point[j]))
                {
                    var neighbour = (double[])current.Point.Clone();
                    neighbour[j] = value;
                    var score = acquisition(neighbour);
                    if (score > next.Value)
                        next = (neighbour, score);
                }
            }
            if (ReferenceEquals(next.Point, current.Point))
                break;
            current = next;
        }
        return current;
    }

    private IEnumerable<double> NeighbourValues(int dimension, double x)
    {
        var d = _dimensions[dimension];
        if (d.IsContinuous)
        {
            // Steps leaving [0, 1] are redrawn rather than clamped (as ConfigSpace's neighbourhood does): clamping
            // would
            // pile candidates onto the box's faces, where the surrogates extrapolate least reliably.
            for (var i = 0; i < _options.NeighboursPerContinuousDimension; i++)
            {
                for (var attempt = 0; attempt < MaxRedraws; attempt++)
                {
                    var moved = x + LocalStepDeviation * Normal();
                    if (moved is >= 0 and <= 1)
                    {
                        yield return moved;
                        break;
                    }
                }
            }
            yield break;
        }
        var level = Box.LevelOf(d, x);
        if (level > 0)
            yield return Box.LevelCoordinate(d, level - 1);
        if (level < d.Levels - 1)
            yield return Box.LevelCoordinate(d, level + 1);
    }

    private double Normal() =>
        Math.Sqrt(-2 * Math.Log(_random.NextDoubleNonZero())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
