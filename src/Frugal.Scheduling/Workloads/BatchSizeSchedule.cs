namespace Frugal.Scheduling.Workloads;

/// <summary>
/// The batch size of every epoch of a job, as the Shockwave artifact derives it from the job's
/// model, initial batch size, GPU count and adaptation mode (uw-mad-dash/shockwave, utils.py).
/// </summary>
internal static class BatchSizeSchedule
{
    public static int[] For(JobType type, AdaptationMode mode, int epochs, int scaleFactor) => mode switch
    {
        AdaptationMode.Static => Enumerable.Repeat(type.BatchSize, epochs).ToArray(),
        AdaptationMode.Accordion => Accordion(type, epochs),
        _ => GradientNoiseScale(type, epochs, scaleFactor),
    };

    /// <summary>
    /// Accordion: after the first 30% of epochs, every epoch outside the model's critical
    /// regimes trains at the model's largest batch size; inside them, at the initial one.
    /// Transformers keep their batch size.
    /// </summary>
    public static int[] Accordion(JobType type, int epochs)
    {
        var schedule = Enumerable.Repeat(type.BatchSize, epochs).ToArray();
        if (type.Family == ModelFamily.Transformer) return schedule;
        for (var epoch = 0; epoch < epochs; epoch++)
            if (epoch > epochs * 0.3 && !IsCritical(type, epoch))
                schedule[epoch] = type.Family.MaxBatchSize;
        return schedule;
    }

    private static bool IsCritical(JobType type, int epoch)
    {
        static bool In(int e, int from, int to) => e >= from && e < to;
        var family = type.Family;
        if (family == ModelFamily.ResNet18)
            return In(epoch, 0, type.BatchSize == 256 ? 20 : 10) || In(epoch, 150, 160) || In(epoch, 250, 260);
        if (family == ModelFamily.ResNet50)
            return epoch < 600 && epoch % 30 < 10;
        if (family == ModelFamily.LanguageModel)
            return epoch < 10;
        // Recommendation.
        var regime = type.BatchSize switch { 512 or 1024 => 30, 2048 => 40, _ => 10 };
        return In(epoch, 0, regime) || In(epoch, 60, 70) || In(epoch, 80, 90);
    }

    /// <summary>
    /// Gradient-noise-scale scaling: a table of epoch ranges with multipliers per (model, batch
    /// size, GPU count), applied only when the job has more epochs than the first range's start,
    /// then capped at the model's largest batch size. As in the artifact, the first range
    /// reaches the last epoch but later ranges leave the last epoch unmultiplied.
    /// </summary>
    public static int[] GradientNoiseScale(JobType type, int epochs, int scaleFactor)
    {
        var schedule = Enumerable.Repeat(type.BatchSize, epochs).ToArray();
        var rule = GnsRules.Find(type.Family.Name, type.BatchSize, scaleFactor);
        if (rule is null || epochs <= rule.Ranges[0].From) return schedule;
        for (var r = 0; r < rule.Ranges.Count; r++)
        {
            var (from, to, multiplier) = rule.Ranges[r];
            var end = Math.Min(to, r == 0 ? epochs : epochs - 1);
            for (var epoch = from; epoch < end; epoch++) schedule[epoch] *= multiplier;
        }
        for (var epoch = 0; epoch < epochs; epoch++) schedule[epoch] =
            Math.Min(schedule[epoch], type.Family.MaxBatchSize);
        return schedule;
    }

    /// <summary>
    /// The gradient-noise-scale batch size of <paramref name="epoch"/> for a job long enough that the table's
    /// last-epoch quirk does not reach it (the artifact's simulator asks for at least 760 epochs).
    /// </summary>
    public static int GnsBatchSize(JobType type, int scaleFactor, int epoch)
    {
        var rule = GnsRules.Find(type.Family.Name, type.BatchSize, scaleFactor);
        var multiplier = rule?.Ranges.Where(r => epoch >= r.From && epoch < r.To).Select(r => r.Multiplier)
            .FirstOrDefault(1) ?? 1;
        return Math.Min(type.BatchSize * multiplier, type.Family.MaxBatchSize);
    }
}

/// <summary>
/// One row of the gradient-noise-scale table: epoch ranges [From, To) and their batch-size multipliers.
/// </summary>
internal sealed record GnsRule(string Model, int BatchSize, int ScaleFactor,
    IReadOnlyList<(int From, int To, int Multiplier)> Ranges);

/// <summary>The gradient-noise-scale schedule table of the Shockwave artifact, as data.</summary>
internal static class GnsRules
{
    private const int End = int.MaxValue;

    private static GnsRule R(string model, int bs, int sf, params (int, int, int)[] ranges) =>
        new(model, bs, sf, ranges);

    private static readonly GnsRule[] Table =
    [
        R("ResNet-18", 16, 1, (31, 41, 2), (41, 51, 4), (51, 71, 8), (71, End, 16)),
        R("ResNet-18", 32, 1, (21, 31, 2), (31, 51, 4), (51, End, 8)),
        R("ResNet-18", 64, 1, (11, 31, 2), (31, End, 4)),
        R("ResNet-18", 128, 1, (11, End, 2)),
        R("ResNet-18", 16, 2, (21, 31, 2), (31, 91, 4), (91, 111, 8), (111, End, 16)),
        R("ResNet-18", 32, 2, (11, 21, 2), (21, 41, 4), (41, End, 8)),
        R("ResNet-18", 64, 2, (21, 41, 2), (41, End, 4)),
        R("ResNet-18", 128, 2, (41, End, 2)),
        R("ResNet-18", 16, 4, (11, 21, 2), (21, 81, 4), (81, 91, 8), (91, End, 16)),
        R("ResNet-18", 32, 4, (21, 31, 2), (31, 61, 4), (61, End, 8)),
        R("ResNet-18", 64, 4, (11, 61, 2), (61, End, 4)),
        R("ResNet-18", 128, 4, (11, End, 2)),
        R("ResNet-50", 64, 1, (101, End, 2)),
        R("ResNet-50", 32, 2, (101, 111, 2), (111, End, 4)),
        R("ResNet-50", 64, 2, (81, End, 2)),
        R("ResNet-50", 32, 4, (131, 221, 2), (221, End, 4)),
        R("ResNet-50", 64, 4, (191, End, 2)),
        R("LM", 5, 1, (31, 41, 2), (41, 61, 4), (61, 71, 8), (71, End, 16)),
        R("LM", 10, 1, (11, 21, 2), (21, 41, 4), (41, End, 8)),
        R("LM", 20, 1, (11, 41, 2), (41, End, 4)),
        R("LM", 40, 1, (11, End, 2)),
        R("LM", 5, 2, (31, 51, 2), (51, 61, 4), (61, 71, 8), (71, End, 16)),
        R("LM", 10, 2, (11, 31, 2), (31, 41, 4), (41, End, 8)),
        R("LM", 20, 2, (31, 41, 2), (41, End, 4)),
        R("LM", 40, 2, (11, End, 2)),
        R("LM", 5, 4, (11, 31, 2), (31, 71, 4), (71, 91, 8), (91, End, 16)),
        R("LM", 10, 4, (11, 31, 2), (31, 61, 4), (61, End, 8)),
        R("LM", 20, 4, (11, 61, 2), (61, End, 4)),
        R("LM", 40, 4, (61, End, 2)),
        R("Recommendation", 512, 1, (21, 41, 2), (41, 71, 4), (71, 91, 8), (91, End, 16)),
        R("Recommendation", 1024, 1, (21, 51, 2), (51, 91, 4), (91, End, 8)),
        R("Recommendation", 2048, 1, (21, 41, 2), (41, End, 4)),
        R("Recommendation", 4096, 1, (41, End, 2)),
    ];

    public static GnsRule? Find(string model, int batchSize, int scaleFactor) =>
        Table.FirstOrDefault(r => r.Model == model && r.BatchSize == batchSize && r.ScaleFactor == scaleFactor);
}
