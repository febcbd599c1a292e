using Frugal.Core.Randomness;

namespace Frugal.Compression.Study;

/// <summary>Runs a study's grid, skipping the runs its log already holds and appending each new one as it ends.
/// </summary>
public static class CompressionStudy
{
    /// <summary>
    /// Runs every run of <paramref name="settings"/> not in <paramref name="log"/> (null: keep nothing on disk) and
    /// returns all runs in grid order. <paramref name="progress"/> hears (runs done, runs in all, the run starting).
    /// </summary>
    public static IReadOnlyList<RunRecord> Run(StudySettings settings, SeedTree seeds, StudyLog? log,
        Action<int, int, RunKey?>? progress = null, CancellationToken cancellation = default)
    {
        settings.Check();
        var runs = settings.Runs;
        var done = (log?.Finished ?? []).ToDictionary(r => r.Key);
        var results = new List<RunRecord>();
        for (var i = 0; i < runs.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (!done.TryGetValue(runs[i], out var record))
            {
                progress?.Invoke(i, runs.Count, runs[i]);
                record = StudyRunner.Run(settings, runs[i], seeds, cancellation);
                log?.Append(record);
            }
            results.Add(record);
        }
        progress?.Invoke(runs.Count, runs.Count, null);
        return results;
    }
}
