using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Loop;

/// <summary>
/// The machine's noise before a comparison: the default configuration measured <see cref="Preflight.Runs"/> times.
/// </summary>
/// <param name="Metric">The objective measured.</param>
/// <param name="Runs">Its value in each run.</param>
/// <param name="Threshold">The largest coefficient of variation a comparison accepts.</param>
public sealed record NoiseCheck(string Metric, IReadOnlyList<double> Runs, double Threshold)
{
    /// <summary>The coefficient of variation of the runs.</summary>
    public double CoefficientOfVariation => TargetMeasuring.CoefficientOfVariation(Runs);

    /// <summary>Whether the noise exceeds the threshold.</summary>
    public bool TooNoisy => CoefficientOfVariation > Threshold;
}

/// <summary>
/// Refuses to start a comparison on a machine too noisy to tell optimisers apart: when the default configuration's
/// own runs differ by more than the threshold, every difference between methods is within the noise (TUNA: 5% noise
/// can slow convergence 2.5×).
/// </summary>
public static class Preflight
{
    /// <summary>How many runs of the default the check measures.</summary>
    public const int Runs = 5;

    /// <summary>The default noise threshold: a coefficient of variation of 5%.</summary>
    public const double DefaultThreshold = 0.05;

    /// <summary>The name errors give the check (the setting that lets a noisy comparison run anyway).</summary>
    public const string Setting = "noisy machine";

    /// <summary>Measures the default configuration of <paramref name="space"/> <see cref="Runs"/> times.</summary>
    /// <exception cref="BadInputException">The default configuration failed, or the threshold is not in (0, 1].
    /// </exception>
    public static NoiseCheck Measure(ITuningTarget target, SearchSpace space, double threshold,
        CancellationToken cancellation = default)
    {
        if (!(threshold is > 0 and <= 1))
            throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
                $"the noise threshold must lie in (0, 1] (got {threshold})"), Setting);
        var measurement = target.Evaluate(space.DefaultConfiguration(), cancellation, Runs);
        if (measurement.Failed)
            throw new BadInputException($"the default configuration failed in the noise check ({measurement.Failure})");
        return new NoiseCheck(target.Objective.Metric, measurement.Runs, threshold);
    }

    /// <summary>Passes a quiet enough check, or any check when <paramref name="allowNoisy"/>.</summary>
    /// <exception cref="BadInputException">Too noisy, and not allowed: one line with the figures.</exception>
    public static void Require(NoiseCheck check, bool allowNoisy)
    {
        if (!check.TooNoisy || allowNoisy) return;
        throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
            $"the machine is too noisy to compare methods: the default configuration's {check.Metric} varied by " +
            $"{check.CoefficientOfVariation * 100:0.0}% (coefficient of variation over {check.Runs.Count} runs), " +
            $"above the {check.Threshold * 100:0.0}% threshold; quiet the machine or allow a noisy comparison"),
            Setting);
    }
}
