namespace Frugal.Tuning.Optimizers;

/// <summary>
/// A probabilistic model of one metric over the [0, 1] box: what the acquisition function needs from a Gaussian
/// process or a random forest, so both drive the same <see cref="BayesianOptimizer"/>.
/// </summary>
public interface ISurrogate
{
    /// <summary>
    /// The predictive mean and variance of the metric at <paramref name="point"/>, in the metric's own units.
    /// </summary>
    (double Mean, double Variance) Predict(ReadOnlySpan<double> point);
}

/// <summary>
/// Fits one metric's surrogate afresh on every call; it may keep state between fits (e.g. warm starts).
/// </summary>
public interface ISurrogateFitter
{
    /// <summary>A surrogate conditioned on <paramref name="values"/> observed at <paramref name="points"/>
    /// (points in the [0, 1] box).</summary>
    ISurrogate Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> values);
}
