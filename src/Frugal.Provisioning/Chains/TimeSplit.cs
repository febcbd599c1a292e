using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Chains;

/// <summary>
/// Sample start times, split by time: training samples come before validation samples, and no
/// training window reaches into the validation period. A sample starts every
/// <see cref="StrideSeconds"/> (4 h in Mirage) while its whole window fits the period.
/// </summary>
public sealed record TimeSplit(long TrainFrom, long ValidationFrom, long ValidationTo, long StrideSeconds = 4 * 3600)
{
    /// <summary>Mirage's Lonestar6 split: training from 2022-11-01, validation from 2023-03-01 to the trace's end (April 2023).</summary>
    public static TimeSplit Lonestar6 { get; } = new(Utc(2022, 11, 1), Utc(2023, 3, 1), Utc(2023, 4, 1));

    /// <summary>
    /// The split for a trace: Mirage's Lonestar6 dates where the trace covers them, else the first
    /// <paramref name="trainingFraction"/> of its span for training and the rest for validation.
    /// </summary>
    public static TimeSplit For(IReadOnlyList<SlurmJob> trace, double trainingFraction = 0.8, long strideSeconds = 4 * 3600)
    {
        if (trace.Count == 0) throw new ArgumentException("the trace holds no jobs.");
        long first = trace[0].Submit, last = trace[^1].Submit;
        if (first <= Lonestar6.TrainFrom && last >= Lonestar6.ValidationFrom + 20 * 86400) return Lonestar6 with { StrideSeconds = strideSeconds };
        if (!(trainingFraction > 0 && trainingFraction < 1)) throw new ArgumentException($"the training fraction must lie in (0, 1), not {trainingFraction}.");
        return new TimeSplit(first, first + (long)((last - first) * trainingFraction), last, strideSeconds);
    }

    public IReadOnlyList<long> TrainingStarts(long windowSeconds, int? limit = null) => Starts(TrainFrom, ValidationFrom, windowSeconds, limit);

    public IReadOnlyList<long> ValidationStarts(long windowSeconds, int? limit = null) => Starts(ValidationFrom, ValidationTo, windowSeconds, limit);

    private List<long> Starts(long from, long to, long windowSeconds, int? limit)
    {
        if (StrideSeconds <= 0) throw new ArgumentException($"the sample stride must be positive, not {StrideSeconds} s.");
        var starts = new List<long>();
        for (var s = from; s + windowSeconds <= to && (limit is null || starts.Count < limit); s += StrideSeconds) starts.Add(s);
        return starts;
    }

    private static long Utc(int year, int month, int day) => new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
}
