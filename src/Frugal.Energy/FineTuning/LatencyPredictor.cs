using MathNet.Numerics.LinearAlgebra.Double;

namespace Frugal.Energy.FineTuning;

/// <summary>
/// Design §4's predictor: inference latency while a fine-tuning step runs, linear in the step's features (an intercept,
/// forward and backward FLOPs, arithmetic intensity). Valid only at the clocks it was fitted at, so one is fitted per
/// hardware configuration, by least squares on profiled steps.
/// </summary>
public sealed class LatencyPredictor
{
    private readonly double[] _coefficients;

    private LatencyPredictor(double[] coefficients) => _coefficients = coefficients;

    /// <summary>Fits on (step, worst latency seen in seconds) pairs; needs at least as many steps as
    /// features.</summary>
    public static LatencyPredictor Fit(IReadOnlyList<(FineTuneRequest Request, double LatencySeconds)> profiled)
    {
        var features = profiled[0].Request.Features.Length;
        if (profiled.Count < features)
            throw new ArgumentException($"a predictor needs at least {features} profiled steps, got {profiled.Count}");
        var x = DenseMatrix.OfRowArrays(profiled.Select(p => p.Request.Features).ToArray());
        var y = DenseVector.OfEnumerable(profiled.Select(p => p.LatencySeconds));
        return new LatencyPredictor(x.QR().Solve(y).ToArray());
    }

    /// <summary>Predicted worst-case inference latency (s) while <paramref name="request"/> runs.</summary>
    public double Predict(FineTuneRequest request) =>
        request.Features.Select((f, i) => f * _coefficients[i]).Sum();
}
