using Frugal.Core.Randomness;
using Frugal.Energy.Devices;
using Frugal.Tuning.Optimizers;

namespace Frugal.Energy.Search;

/// <summary>
/// Phase 2's optimiser (design §3): constrained BO over a finite grid of (GPU clock, memory clock, batch) at a fixed
/// CPU clock, with Frugal.Tuning's Gaussian process and expected improvement. Two GPs, on ln E and ln L, so
/// multiplicative noise is additive; the acquisition EI(x; η)·PF(x) is evaluated at every grid point, so no inner
/// optimiser is needed.
/// </summary>
internal sealed class ConstrainedGridSearch
{
    private readonly IReadOnlyList<HardwareConfig> _grid;
    private readonly double[][] _coordinates;
    private readonly double _logSlo;
    private readonly TuningPlan _plan;
    private readonly GaussianProcessFitter _energyFitter, _latencyFitter;
    private readonly List<(int Point, double LogEnergy, double LogLatency)> _observations = [];
    private int _lowAcquisitions;

    public ConstrainedGridSearch(IReadOnlyList<HardwareConfig> grid, TuningPlan plan, SeedTree seeds)
    {
        _grid = grid;
        _plan = plan;
        _logSlo = Math.Log(plan.SloMs);
        _coordinates = [.. grid.Select(Encode(grid))];
        _energyFitter = new GaussianProcessFitter(seeds.Stream("energy-gp"));
        _latencyFitter = new GaussianProcessFitter(seeds.Stream("latency-gp"));
        Posterior = null;
    }

    /// <summary>The model after the last <see cref="Observe"/>: mean and sd of ln E and ln L at every grid
    /// point.</summary>
    public GridPosterior? Posterior { get; private set; }

    /// <summary>
    /// Inputs in [0, 1]³: ln of the GPU and memory clocks min-max normalised, batch as log2 b / log2 b_max, so that the
    /// GP's length scales mean the same on every grid. The design normalises the clocks themselves; on their logarithms
    /// ln L and ln E are far smoother (time goes as 1/f, and the memory grid spans 204–3199 MHz), which took the median
    /// regret at N = 20 on vision from 4.1–4.8% to 2.4–3.9% (10 seeds).
    /// </summary>
    internal static Func<HardwareConfig, double[]> Encode(IReadOnlyList<HardwareConfig> grid)
    {
        double Scale(double v, double lo, double hi) => hi > lo ? (Math.Log(v) - lo) / (hi - lo) : 0;
        var (gLo, gHi) = (Math.Log(grid.Min(c => c.GpuMHz)), Math.Log(grid.Max(c => c.GpuMHz)));
        var (mLo, mHi) = (Math.Log(grid.Min(c => c.MemoryMHz)), Math.Log(grid.Max(c => c.MemoryMHz)));
        var bMax = Math.Log2(grid.Max(c => c.Batch));
        return c => [Scale(c.GpuMHz, gLo, gHi), Scale(c.MemoryMHz, mLo, mHi), bMax > 0 ? Math.Log2(c.Batch) / bMax : 0];
    }

    /// <summary>Grid points measured so far, each once.</summary>
    public IEnumerable<int> Evaluated => _observations.Select(o => o.Point).Distinct();

    /// <summary>Whether grid point <paramref name="point"/> has been measured.</summary>
    public bool IsEvaluated(int point) => _observations.Any(o => o.Point == point);

    /// <summary>Records a measurement of grid point <paramref name="point"/> and refits both GPs.</summary>
    public void Observe(int point, double energyJ, double latencyMs)
    {
        _observations.Add((point, Math.Log(energyJ), Math.Log(latencyMs)));
        var points = _observations.Select(o => _coordinates[o.Point]).ToArray();
        var energy = _energyFitter.Fit(points, [.. _observations.Select(o => o.LogEnergy)]);
        var latency = _latencyFitter.Fit(points, [.. _observations.Select(o => o.LogLatency)]);
        Posterior = GridPosterior.Of(_coordinates, energy, latency, _logSlo);
    }

    /// <summary>
    /// The incumbent: the evaluated point of lowest mean ln E among those with PF ≥ the plan's threshold, else the
    /// evaluated point most likely feasible.
    /// </summary>
    public int Incumbent()
    {
        var posterior = Posterior ?? throw new InvalidOperationException("nothing observed yet");
        var qualified = Qualified(posterior).ToArray();
        return qualified.Length > 0
            ? qualified.MinBy(i => posterior.EnergyMean[i])
            : Evaluated.MaxBy(i => posterior.Feasibility[i]);
    }

    /// <summary>Evaluated points with PF ≥ the threshold, by increasing mean ln E.</summary>
    public IEnumerable<int> Qualified(GridPosterior posterior) =>
        Evaluated.Where(i => posterior.Feasibility[i] >= _plan.FeasibleProbability)
            .OrderBy(i => posterior.EnergyMean[i]);

    /// <summary>
    /// The next grid point: argmax EI(x; η)·PF(x) with η the incumbent's mean ln E, or argmax PF while no evaluated
    /// point qualifies; null once max cEI has stayed below <c>StopFraction·|η|</c> <c>StopPatience</c> times in a row.
    /// </summary>
    public int? Next()
    {
        var posterior = Posterior ?? throw new InvalidOperationException("nothing observed yet");
        var qualified = Qualified(posterior).ToArray();
        if (qualified.Length == 0)
            return Enumerable.Range(0, _grid.Count).MaxBy(i => posterior.Feasibility[i]);
        var incumbent = posterior.EnergyMean[qualified[0]];
        var best = 0;
        var bestLog = double.NegativeInfinity;
        for (var i = 0; i < _grid.Count; i++)
        {
            var log = ExpectedImprovement.Log(posterior.EnergyMean[i], posterior.EnergySd[i], incumbent)
                      + posterior.LogFeasibility[i];
            if (log > bestLog)
                (best, bestLog) = (i, log);
        }
        _lowAcquisitions = Math.Exp(bestLog) < _plan.StopFraction * Math.Abs(incumbent) ? _lowAcquisitions + 1 : 0;
        return _lowAcquisitions >= _plan.StopPatience ? null : best;
    }
}

/// <summary>The two GPs' predictions at every grid point, and the probability of meeting the SLO.</summary>
internal sealed record GridPosterior(
    double[] EnergyMean, double[] EnergySd, double[] LatencyMean, double[] LatencySd, double[] LogFeasibility)
{
    /// <summary>PF(x) = Φ((ln SLO − μ_L(x)) / σ_L(x)).</summary>
    public double[] Feasibility { get; } = [.. LogFeasibility.Select(Math.Exp)];

    public static GridPosterior Of(double[][] coordinates, ISurrogate energy, ISurrogate latency, double logSlo)
    {
        var n = coordinates.Length;
        var (em, es, lm, ls, lf) = (new double[n], new double[n], new double[n], new double[n], new double[n]);
        for (var i = 0; i < n; i++)
        {
            var (eMean, eVar) = energy.Predict(coordinates[i]);
            var (lMean, lVar) = latency.Predict(coordinates[i]);
            (em[i], es[i], lm[i], ls[i]) = (eMean, Math.Sqrt(eVar), lMean, Math.Sqrt(lVar));
            lf[i] = ExpectedImprovement.LogProbabilityFeasible(lMean - logSlo, ls[i]);
        }
        return new GridPosterior(em, es, lm, ls, lf);
    }
}
