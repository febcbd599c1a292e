using Frugal.Core.Errors;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Chains;

/// <summary>
/// Sample start times, split by time: training samples come before validation samples, and no
/// training window reaches into the validation period. A sample starts every
/// <see cref="StrideSeconds"/> (4 h in Mirage) while its whole window fits the period.
/// </summary>
public sealed record TimeSplit(long TrainFrom, long ValidationFrom, long ValidationTo, long StrideSeconds = 4 * 3600)
{
    /// <summary>Mirage's Lonestar6 split: training from 2022-11-01, validation from 2023-03-01 to the trace's end
    /// (April 2023).</summary>
    public static TimeSplit Lonestar6 { get; } = new(Utc(2022, 11, 1), Utc(2023, 3, 1), Utc(2023, 4, 1));

    /// <summary>
    /// The split for a trace: Mirage's Lonestar6 dates where the trace covers them, else the first
    /// <paramref name="trainingFraction"/> of its span for training and the rest for validation.
    /// </summary>
    public static TimeSplit For(IReadOnlyList<SlurmJob> trace, double trainingFraction = 0.8, long strideSeconds =
        4 * 3600)
    {
        if (trace.Count == 0) throw new BadInputException("the trace holds no jobs");
        long first = trace[0].Submit, last = trace[^1].Submit;
        if (first <= Lonestar6.TrainFrom && last >= Lonestar6.ValidationFrom + 20 * 86400)
            return Lonestar6 with { StrideSeconds = strideSeconds };
        if (!(trainingFraction > 0 && trainingFraction < 1)) throw new ArgumentException(
            $"the training fraction must lie in (0, 1), not {trainingFraction}.");
        return new TimeSplit(first, first + (long)((last - first) * trainingFraction), last, strideSeconds);
    }

    /// <summary>
    /// The most sample starts one period may hold: 20,000, some 9 years of a trace at Mirage's
    /// 4-hour stride. Each is a simulation (seven, in training), so more would run for days; a span
    /// that asks for more comes from a damaged trace or a stride far shorter than the 10-minute decisions.
    /// </summary>
    public const int MaxStarts = 20_000;

    /// <summary>The name messages give the cap on samples per period.</summary>
    public const string MaxSamplesSetting = "max-samples";

    /// <summary>The name messages give <see cref="StrideSeconds"/>.</summary>
    public const string StrideSetting = "sample stride";

    /// <summary>The training period's sample starts, at most <paramref name="limit"/>.</summary>
    /// <exception cref="BadInputException">More than <see cref="MaxStarts"/> starts.</exception>
    public IReadOnlyList<long> TrainingStarts(long windowSeconds, int? limit = null) =>
        Starts("training", TrainFrom, ValidationFrom, windowSeconds, limit);

    /// <summary>The validation period's sample starts, at most <paramref name="limit"/>.</summary>
    /// <exception cref="BadInputException">More than <see cref="MaxStarts"/> starts.</exception>
    public IReadOnlyList<long> ValidationStarts(long windowSeconds, int? limit = null) =>
        Starts("validation", ValidationFrom, ValidationTo, windowSeconds, limit);

    private List<long> Starts(string period, long from, long to, long windowSeconds, int? limit)
    {
        if (StrideSeconds <= 0)
            throw new BadInputException($"{StrideSetting}: {StrideSeconds} s is not positive", StrideSetting);
        // Counted before they are listed, so a span that would hold millions is refused without allocating them.
        var count = to - windowSeconds < from ? 0 : (to - windowSeconds - from) / StrideSeconds + 1;
        if (limit is { } cap) count = Math.Min(count, cap);
        if (count > MaxStarts)
            throw new BadInputException(
                $"the {period} period holds {count:N0} sample starts {StrideSeconds:N0} s apart, " +
                $"more than the {MaxStarts:N0} a study runs; " +
                $"cap them with the {MaxSamplesSetting} setting", MaxSamplesSetting);
        var starts = new List<long>((int)count);
        for (var s = from; starts.Count < count; s += StrideSeconds) starts.Add(s);
        return starts;
    }

    private static long Utc(int year, int month, int day) =>
        new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
}
