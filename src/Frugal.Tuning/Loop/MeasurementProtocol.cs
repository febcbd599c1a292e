using System.Globalization;
using Frugal.Core.Errors;

namespace Frugal.Tuning.Loop;

/// <summary>
/// How the tuning loop measures, so that optimisers can be told apart on a noisy machine (design §10): each trial is
/// applied once (restart or reload, warm-up: the target's part) and then measured <paramref name="Repeats"/> times,
/// its value the median and its noise the spread of the runs; the incumbent is measured again every
/// <paramref name="RemeasureEvery"/> trials (LlamaTune's practice), so a configuration that won by a lucky run stops
/// leading once its runs are pooled; and the final best is measured <paramref name="VerifyRounds"/> more times against
/// the default, alternately (as <c>tune verify</c> does).
/// </summary>
/// <param name="Repeats">Measured runs per trial (1 to 100).</param>
/// <param name="RemeasureEvery">Re-measure the incumbent after every this many trials; 0 never.</param>
/// <param name="VerifyRounds">Rounds of default-then-best at the end; 0 none.</param>
public sealed record MeasurementProtocol(int Repeats = 1, int RemeasureEvery = 0, int VerifyRounds = 0)
{
    /// <summary>The name errors give <see cref="Repeats"/>.</summary>
    public const string RepeatsSetting = "repeats";

    /// <summary>The name errors give <see cref="RemeasureEvery"/>.</summary>
    public const string RemeasureSetting = "re-measure interval";

    /// <summary>The name errors give <see cref="VerifyRounds"/>.</summary>
    public const string VerifySetting = "verification rounds";

    /// <summary>One run per trial, no re-measurement, no final verification: what synthetic surfaces need.</summary>
    public static MeasurementProtocol Single { get; } = new();

    /// <summary>The protocol, checked.</summary>
    /// <exception cref="BadInputException">A count out of range; the setting is named.</exception>
    public MeasurementProtocol Checked()
    {
        if (Repeats is < 1 or > 100) throw OutOfRange(RepeatsSetting, Repeats, "[1, 100]");
        if (RemeasureEvery is < 0 or > 100_000) throw OutOfRange(RemeasureSetting, RemeasureEvery, "[0, 100000]");
        if (VerifyRounds is < 0 or > 1000) throw OutOfRange(VerifySetting, VerifyRounds, "[0, 1000]");
        return this;
    }

    /// <summary>The protocol in a few words, for reports.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"median of {Repeats} run(s) per trial; incumbent re-measured every " +
        $"{(RemeasureEvery == 0 ? "never" : $"{RemeasureEvery} trials")}; " +
        $"final best verified in {VerifyRounds} rounds");

    private static BadInputException OutOfRange(string setting, int value, string range) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{setting} must lie in {range} (got {value})"), setting);
}
