namespace Frugal.Provisioning.Chains;

/// <summary>
/// Mirage's offline training data: for each sample start, the state and gap at evenly spaced probe times (each its own
/// simulation).
/// </summary>
internal static class TrainingData
{
    public const int DefaultProbesPerSample = 7;

    /// <summary>
    /// The probes of every sample, in sample then probe order (samples run in parallel, the result does not depend on
    /// it).
    /// </summary>
    public static List<ProbeSample> Generate(ChainEpisode episode, IReadOnlyList<long> starts, int probesPerSample =
        DefaultProbesPerSample,
        IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        var perSample = new ProbeSample[starts.Count][];
        var done = 0;
        Parallel.For(0, starts.Count, new ParallelOptions
        {
            CancellationToken = cancellation,
            MaxDegreeOfParallelism = Environment.ProcessorCount,
        }, i =>
        {
            var times = episode.ProbeTimes(starts[i], probesPerSample);
            perSample[i] = times.Select(t => episode.Probe(starts[i], t)).ToArray();
            progress?.Report((double)Interlocked.Increment(ref done) / starts.Count);
        });
        return perSample.SelectMany(p => p).ToList();
    }
}
