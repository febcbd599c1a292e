using Frugal.Core.Randomness;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Optimization;

namespace Frugal.Tuning.Optimizers;

/// <summary>The hyperparameters of a <see cref="GaussianProcess"/>, all on the scale of standardised outputs.</summary>
internal sealed record GaussianProcessHyperparameters(double SignalVariance, IReadOnlyList<double> LengthScales,
    double NoiseVariance)
{
    /// <summary>
    /// Length scales and variances are kept inside these bounds while fitting (inputs live in [0, 1]).
    /// </summary>
    public const double MinLengthScale = 1e-2, MaxLengthScale = 1e2, MinSignalVariance = 1e-2, MaxSignalVariance = 1e2,
        MinNoiseVariance = 1e-6, MaxNoiseVariance = 1;

    /// <summary>A neutral starting point for fitting: unit signal, length scale 0.5, little noise.</summary>
    public static GaussianProcessHyperparameters Default(int dimensions) =>
        new(1, Enumerable.Repeat(0.5, dimensions).ToArray(), 1e-3);

    internal double[] ToLog() =>
        [Math.Log(SignalVariance), .. LengthScales.Select(l => Math.Log(l)), Math.Log(NoiseVariance)];

    internal static GaussianProcessHyperparameters FromLog(ReadOnlySpan<double> theta) =>
        new(Math.Exp(theta[0]), theta[1..^1].ToArray().Select(t => Math.Exp(t)).ToArray(), Math.Exp(theta[^1]));

    internal static (double[] Lower, double[] Upper) LogBounds(int dimensions) =>
        ([Math.Log(MinSignalVariance), .. Enumerable.Repeat(Math.Log(MinLengthScale), dimensions),
            Math.Log(MinNoiseVariance)],
         [Math.Log(MaxSignalVariance), .. Enumerable.Repeat(Math.Log(MaxLengthScale), dimensions),
             Math.Log(MaxNoiseVariance)]);
}

/// <summary>
/// Gaussian-process regression over the [0, 1] box with a <see cref="Matern52Kernel"/> and Gaussian noise — the
/// surrogate of the <c>gp</c> optimiser (no maintained .NET GP library exists, so it is built on MathNet's Cholesky).
/// Outputs are standardised (mean 0, population standard deviation 1) before fitting, so the hyperparameter bounds
/// and starting points mean the same for every metric; predictions come back in the metric's own units.
/// </summary>
internal sealed class GaussianProcess : ISurrogate
{
    // Per BFGS run: a warm start from the previous fit converges in far fewer; a cold one is good enough by then.
    private const int MaxIterations = 40;

    private readonly double[][] _scaledPoints; // x_j / ℓ_j, so a prediction's distances need no divisions
    private readonly double[] _inverseLengthScales;
    private readonly double _signalVariance;
    private readonly double[] _alpha;
    private readonly double[] _cholesky; // lower factor L of K = L Lᵀ, row-major
    private readonly double _mean, _scale;

    /// <summary>Conditions the process with fixed <paramref name="hyperparameters"/> on the observed values.</summary>
    public GaussianProcess(IReadOnlyList<double[]> points, IReadOnlyList<double> values,
        GaussianProcessHyperparameters hyperparameters)
    {
        if (points.Count == 0 || points.Count != values.Count)
            throw new ArgumentException(
                $"a Gaussian process needs as many values as points, at least one (got {points.Count} points, " +
                $"{values.Count} values)");
        if (hyperparameters.LengthScales.Count != points[0].Length)
            throw new ArgumentException(
                $"{hyperparameters.LengthScales.Count} length scales for {points[0].Length}-dimensional points");
        Hyperparameters = hyperparameters;
        _inverseLengthScales = [.. hyperparameters.LengthScales.Select(l => 1 / l)];
        _scaledPoints = [.. points.Select(p => p.Select((x, j) => x * _inverseLengthScales[j]).ToArray())];
        _signalVariance = hyperparameters.SignalVariance;
        (_mean, _scale) = Standardisation(values);
        var y = Standardise(values, _mean, _scale);
        var n = _scaledPoints.Length;
        var k = DenseMatrix.Create(n, n, (a, b) =>
            Matern52Kernel.OfDistance(Distance(_scaledPoints[a], _scaledPoints[b]), _signalVariance)
                + (a == b ? hyperparameters.NoiseVariance : 0));
        var cholesky = k.Cholesky();
        _alpha = cholesky.Solve(DenseVector.OfArray(y)).ToArray();
        var factor = cholesky.Factor;
        _cholesky = new double[n * n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b <= a; b++)
                _cholesky[a * n + b] = factor[a, b];
        }
        LogMarginalLikelihood =
            -0.5 * y.Select((v, i) => v * _alpha[i]).Sum() - 0.5 * cholesky.DeterminantLn
            - 0.5 * n * Math.Log(2 * Math.PI);
    }

    public GaussianProcessHyperparameters Hyperparameters { get; }

    /// <summary>log p(y | X, θ) of the standardised outputs.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>
    /// A process whose hyperparameters maximise the log marginal likelihood: bounded BFGS on log-parameters with the
    /// analytic gradient, started from <paramref name="start"/> (a previous fit's, or a neutral default) and from
    /// <paramref name="randomStarts"/> random points, keeping the best.
    /// </summary>
    public static GaussianProcess Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> values, RandomStream random,
        GaussianProcessHyperparameters? start = null, int randomStarts = 1)
    {
        if (points.Count == 0 || points.Count != values.Count)
            throw new ArgumentException(
                $"a Gaussian process needs as many values as points, at least one (got {points.Count} points, " +
                $"{values.Count} values)");
        var dimensions = points[0].Length;
        var x = points.ToArray();
        var (mean, scale) = Standardisation(values);
        var y = Standardise(values, mean, scale);
        var (lower, upper) = GaussianProcessHyperparameters.LogBounds(dimensions);
        var starts = new List<double[]> { (start ?? GaussianProcessHyperparameters.Default(dimensions)).ToLog() };
        for (var s = 0; s < randomStarts; s++)
        {
            starts.Add(
                [Math.Log(0.5 + random.NextDouble()),
                .. Enumerable.Range(0, dimensions).Select(_ => Math.Log(0.1) + random.NextDouble() * Math.Log(20)),
                Math.Log(1e-4) + random.NextDouble() * Math.Log(100)]);
        }

        var best = (Value: double.PositiveInfinity, Theta: starts[0]);
        foreach (var theta0 in starts)
        {
            for (var i = 0; i < theta0.Length; i++)
                theta0[i] = Math.Clamp(theta0[i], lower[i], upper[i]);
            // MathNet's minimisers throw when they run out of iterations or a line search stalls; every evaluated point
            // is recorded, so the best one seen is kept either way.
            var objective = ObjectiveFunction.Gradient(v =>
            {
                var theta = v.ToArray();
                var (value, gradient) = NegativeLogMarginalLikelihood(x, y, theta);
                if (value < best.Value)
                    best = (value, theta);
                return (value, DenseVector.OfArray(gradient));
            });
            try
            {
                new BfgsBMinimizer(1e-5, 1e-6, 1e-7, MaxIterations)
                    .FindMinimum(objective, DenseVector.OfArray(lower), DenseVector.OfArray(upper),
                    DenseVector.OfArray(theta0));
            }
            catch (OptimizationException)
            {
            }
        }
        return new GaussianProcess(points, values, GaussianProcessHyperparameters.FromLog(best.Theta));
    }

    /// <summary>
    /// −log p(y | X, θ) and its gradient in θ = (log σ², log ℓ_1 … log ℓ_d, log σ_n²), y already standardised:
    /// ∂/∂θ_i = −½ tr((α αᵀ − K⁻¹) ∂K/∂θ_i) with α = K⁻¹ y. A non-positive-definite K scores +∞.
    /// </summary>
    internal static (double Value, double[] Gradient) NegativeLogMarginalLikelihood(double[][] x, double[] y,
        double[] theta)
    {
        var n = x.Length;
        var d = theta.Length - 2;
        var hyper = GaussianProcessHyperparameters.FromLog(theta);
        var inverseLengthScales = hyper.LengthScales.Select(l => 1 / l).ToArray();
        var scaled = x.Select(p => p.Select((v, j) => v * inverseLengthScales[j]).ToArray()).ToArray();
        var distance = new double[n, n];
        var k = new DenseMatrix(n, n);
        for (var a = 0; a < n; a++)
        {
            k[a, a] = hyper.SignalVariance + hyper.NoiseVariance;
            for (var b = 0; b < a; b++)
            {
                var r = Distance(scaled[a], scaled[b]);
                distance[a, b] = r;
                k[a, b] = k[b, a] = Matern52Kernel.OfDistance(r, hyper.SignalVariance);
            }
        }
        var gradient = new double[theta.Length];
        Cholesky<double> cholesky;
        try
        {
            cholesky = k.Cholesky();
        }
        catch (ArgumentException)
        {
            return (double.PositiveInfinity, gradient);
        }
        var alpha = cholesky.Solve(DenseVector.OfArray(y));
        var inverse = cholesky.Solve(DenseMatrix.CreateIdentity(n));
        var value =
            0.5 * alpha.DotProduct(DenseVector.OfArray(y)) + 0.5 * cholesky.DeterminantLn
            + 0.5 * n * Math.Log(2 * Math.PI);

        // W = α αᵀ − K⁻¹; the noise term only touches the diagonal, the kernel terms every pair (twice, by symmetry).
        var traceW = 0.0;
        for (var a = 0; a < n; a++)
        {
            var w = alpha[a] * alpha[a] - inverse[a, a];
            traceW += w;
            gradient[0] -= 0.5 * w * hyper.SignalVariance;
        }
        gradient[^1] = -0.5 * hyper.NoiseVariance * traceW;
        var lengthScaleGradient = gradient.AsSpan(1, d);
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < a; b++)
            {
                var w = alpha[a] * alpha[b] - inverse[a, b];
                gradient[0] -= w * k[a, b];
                var factor = w * Matern52Kernel.LengthScaleGradientFactor(distance[a, b], hyper.SignalVariance);
                Lanes.AddScaledSquaredDifference(lengthScaleGradient, -factor, scaled[a], scaled[b]);
            }
        }
        return (value, gradient);
    }

    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point)
    {
        var n = _scaledPoints.Length;
        Span<double> scaled = point.Length <= 256 ? stackalloc double[point.Length] : new double[point.Length];
        for (var j = 0; j < scaled.Length; j++)
            scaled[j] = point[j] * _inverseLengthScales[j];
        Span<double> v = n <= 256 ? stackalloc double[n] : new double[n];
        var mean = 0.0;
        for (var i = 0; i < n; i++)
        {
            v[i] = Matern52Kernel.OfDistance(Distance(scaled, _scaledPoints[i]), _signalVariance);
            mean += v[i] * _alpha[i];
        }
        // v ← L⁻¹ k*, so that k*ᵀ K⁻¹ k* = vᵀ v.
        var explained = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = i * n;
            v[i] = (v[i] - Lanes.Dot(_cholesky.AsSpan(row, i), v[..i])) / _cholesky[row + i];
            explained += v[i] * v[i];
        }
        var variance = Math.Max(_signalVariance - explained, 1e-12 * _signalVariance);
        return (_mean + _scale * mean, _scale * _scale * variance);
    }

    private static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        Math.Sqrt(Lanes.SquaredDistance(a, b));

    private static (double Mean, double Scale) Standardisation(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var deviation = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        return (mean, deviation > 1e-12 * Math.Max(1, Math.Abs(mean)) ? deviation : 1);
    }

    private static double[] Standardise(IReadOnlyList<double> values, double mean, double scale) =>
        values.Select(v => (v - mean) / scale).ToArray();
}

/// <summary>
/// Fits a <see cref="GaussianProcess"/> per call, warm-starting from the previous fit's hyperparameters. One
/// observation
/// more rarely moves the likelihood's optimum far, so the costly random restart (a second BFGS run over d + 2
/// parameters) is made only on the first fit and every <see cref="RestartEvery"/>-th after it, to escape poor optima.
/// </summary>
public sealed class GaussianProcessFitter(RandomStream random) : ISurrogateFitter
{
    /// <summary>How many fits apart the random restart of the hyperparameter search is made.</summary>
    public const int RestartEvery = 5;

    private GaussianProcessHyperparameters? _last;
    private int _fits;

    /// <inheritdoc/>
    public ISurrogate Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> values)
    {
        var process = GaussianProcess.Fit(points, values, random, _last, _fits++ % RestartEvery == 0 ? 1 : 0);
        _last = process.Hyperparameters;
        return process;
    }
}
