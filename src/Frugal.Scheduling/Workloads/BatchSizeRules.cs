namespace Frugal.Scheduling.Workloads;

/// <summary>
/// The artifact's simulator rules for when a job asks to change its batch size (uw-mad-dash/shockwave,
/// scheduler.py: _simulate_accordion, _simulate_gns, _scale_bs_and_iters). They are evaluated at the end of
/// every round on the epochs begun so far; unlike the profiled schedule (<see cref="BatchSizeSchedule"/>),
/// Accordion has no "first 30% of epochs" rule and Recommendation only its initial critical regime, and
/// gradient-noise-scale doubles the batch size one step at a time, looking one epoch ahead.
/// </summary>
internal static class BatchSizeRules
{
    /// <summary>
    /// The batch size the job asks for, or null to keep <paramref name="current"/>.
    /// </summary>
    /// <param name="original">The job type it started with.</param>
    /// <param name="mode">Its adaptation mode.</param>
    /// <param name="scaleFactor">Its GPU count (the gradient-noise-scale table depends on it).</param>
    /// <param name="current">Its batch size now.</param>
    /// <param name="epochsBegun">⌈steps done / steps per epoch⌉, as the artifact counts the current epoch.</param>
    public static int? Request(JobType original, AdaptationMode mode, int scaleFactor, int current, int epochsBegun)
    {
        var family = original.Family;
        // A job that starts at its model's largest batch size never changes (the artifact rejects the request).
        if (original.BatchSize == family.MaxBatchSize) return null;
        switch (mode)
        {
            case AdaptationMode.Accordion when family != ModelFamily.Transformer:
                var critical = IsCritical(original, epochsBegun);
                if (current == original.BatchSize && !critical && current != family.MaxBatchSize)
                    return family.MaxBatchSize;
                if (current != original.BatchSize && critical && current != SmallestBatchSize(family))
                    return original.BatchSize;
                return null;
            case AdaptationMode.Gns:
                var ahead = Math.Max(BatchSizeSchedule.GnsBatchSize(original, scaleFactor, epochsBegun),
                    BatchSizeSchedule.GnsBatchSize(original, scaleFactor, epochsBegun + 1));
                return ahead > current && current != family.MaxBatchSize ? 2 * current : null;
            default:
                return null;
        }
    }

    /// <summary>The simulator's critical regimes, in which Accordion trains at the initial batch size.</summary>
    private static bool IsCritical(JobType original, int epoch)
    {
        var family = original.Family;
        if (family == ModelFamily.ResNet18)
            return epoch < (original.BatchSize == 256 ? 20 : 10) || epoch is >= 150 and < 160 or >= 250 and < 260;
        if (family == ModelFamily.ResNet50) return epoch % 30 < 10;
        if (family == ModelFamily.LanguageModel) return epoch < 10;
        // Recommendation: only the initial regime (the profile adds epochs 60–69 and 80–89).
        return epoch < (original.BatchSize switch { 512 or 1024 => 30, 2048 => 40, _ => 10 });
    }

    /// <summary>The batch size below which the artifact does not scale a model down.</summary>
    private static int SmallestBatchSize(ModelFamily family) =>
        family == ModelFamily.LanguageModel ? 5 : family == ModelFamily.Recommendation ? 512 : 16;
}
