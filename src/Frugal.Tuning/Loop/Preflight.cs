using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Loop;

/// <summary>
/// The machine's noise before a comparison: the default configuration scored <see cref="Preflight.Trials"/> times as
/// the tuning loop scores a trial (apply, warm-up, the protocol's measured runs, their median).
/// </summary>
/// <param name="Metric">The objective measured.</param>
/// <param name="Default">The default's runs, trial by trial.</param>
/// <param name="Threshold">The largest coefficient of variation a comparison accepts.</param>
public sealed record NoiseCheck(string Metric, NoiseRow Default, double Threshold)
{
    /// <summary>
    /// The coefficient of variation of the trials' values (<see cref="NoiseRow.BetweenCv"/>): how far the score of
    /// one configuration moves from one trial to the next, which is what blurs the comparison of two configurations
    /// (and so of two methods).
    /// </summary>
    public double CoefficientOfVariation => Default.BetweenCv ?? 0;

    /// <summary>Whether the noise exceeds the threshold.</summary>
    public bool TooNoisy => CoefficientOfVariation > Threshold;
}

/// <summary>
/// Refuses to start a comparison on a machine too noisy to tell optimisers apart: when the default configuration's
/// score differs between trials by more than the threshold, every difference between methods is within the noise
/// (TUNA: 5% noise can slow convergence 2.5×).
/// </summary>
public static class Preflight
{
    /// <summary>How many trials of the default the check scores.</summary>
    public const int Trials = 5;

    /// <summary>The default noise threshold: a coefficient of variation of 5%.</summary>
    public const double DefaultThreshold = 0.05;

    /// <summary>The name errors give the check (the setting that lets a noisy comparison run anyway).</summary>
    public const string Setting = "noisy machine";

    /// <summary>
    /// Scores the default configuration of <paramref name="space"/> in <see cref="Trials"/> trials of
    /// <paramref name="repeats"/> measured runs each.
    /// </summary>
    /// <exception cref="BadInputException">The default configuration failed, or the threshold is not in (0, 1].
    /// </exception>
    public static NoiseCheck Measure(ITuningTarget target, SearchSpace space, int repeats, double threshold,
        CancellationToken cancellation = default)
    {
        if (!(threshold is > 0 and <= 1))
            throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
                $"the noise threshold must lie in (0, 1] (got {threshold})"), Setting);
        var metric = target.Objective.Metric;
        return new NoiseCheck(metric, NoiseStudy.Sample(target, space, duration: null, repeats, Trials, metric,
            "noise check", trialDone: null, cancellation), threshold);
    }

    /// <summary>Passes a quiet enough check, or any check when <paramref name="allowNoisy"/>.</summary>
    /// <exception cref="BadInputException">Too noisy, and not allowed: one line with the figures.</exception>
    public static void Require(NoiseCheck check, bool allowNoisy)
    {
        if (!check.TooNoisy || allowNoisy) return;
        throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
            $"the machine is too noisy to compare methods: the default configuration's {check.Metric} varied by " +
            $"{check.CoefficientOfVariation * 100:0.0}% between trials (coefficient of variation over " +
            $"{check.Default.Trials.Count} trials, each the median of {check.Default.Trials[0].Count} runs), above " +
            $"the {check.Threshold * 100:0.0}% threshold; quiet the machine or allow a noisy comparison"), Setting);
    }
}
