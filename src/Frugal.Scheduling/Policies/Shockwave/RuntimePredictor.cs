using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Policies.Shockwave;

/// <summary>
/// Shockwave's remaining-runtime forecast for one dynamically adapting job (§2.1 of the design
/// brief). The job's batch-size modes get a Dirichlet prior α_b = E/|modes|, updated by one per
/// epoch observed at b; the expected epochs still to run at each mode times the mode's epoch
/// duration gives the forecast. Epoch durations are the profiled ones, rescaled when measured
/// throughput strays more than 40% from the profile.
/// </summary>
internal sealed class RuntimePredictor
{
    private const double RecalibrationThreshold = 0.4;

    private readonly JobSpec _spec;
    private readonly ThroughputTable _profile;
    private readonly string _referenceWorker;
    private readonly Dictionary<int, double> _profiledEpochSeconds = [];
    private readonly Dictionary<int, double> _profiledThroughput = [];
    private double _measuredSteps, _measuredSeconds, _expectedSeconds;

    public RuntimePredictor(JobSpec spec, ThroughputTable profile, string referenceWorker)
    {
        _spec = spec;
        _profile = profile;
        _referenceWorker = referenceWorker;
        // As in the artifact: the distinct batch sizes of the job's own profiled schedule.
        Modes = spec.BatchSizeSchedule().Distinct().Order().ToArray();
        foreach (var bs in Modes) Profile(bs);
    }

    /// <summary>The batch sizes of the job's profile, in increasing order: the Dirichlet prior's modes.</summary>
    public IReadOnlyList<int> Modes { get; }

    /// <summary>
    /// Multiplies every profiled duration; 1 until measurements disagree with the profile by more than 40%.
    /// </summary>
    public double Calibration { get; private set; } = 1;

    public int TotalEpochs => _spec.Epochs;

    /// <summary>
    /// A mode's calibrated epoch duration (s): (dataset / bs) / profiled steps per second, whole seconds, at least 1.
    /// </summary>
    public double EpochSeconds(int batchSize)
    {
        if (!_profiledEpochSeconds.ContainsKey(batchSize)) Profile(batchSize);
        return _profiledEpochSeconds[batchSize] * Calibration;
    }

    /// <summary>
    /// Feeds one round's measurement: <paramref name="steps"/> done in <paramref name="seconds"/> at <paramref
    /// name="batchSize"/>.
    /// </summary>
    public void Observe(int batchSize, double steps, double seconds)
    {
        if (seconds <= 0 || steps <= 0) return;
        if (!_profiledThroughput.ContainsKey(batchSize)) Profile(batchSize);
        _measuredSteps += steps;
        _measuredSeconds += seconds;
        _expectedSeconds += steps / _profiledThroughput[batchSize];
        // Over the same measured time, the profile predicts _expectedSeconds of work: rescale when they differ by >
        // 40%.
        var ratio = _measuredSeconds / _expectedSeconds;
        Calibration = Math.Abs(ratio - 1) > RecalibrationThreshold ? ratio : 1;
    }

    /// <summary>
    /// The forecast R̂ (s) of the job's remaining isolated runtime, given the batch sizes of the
    /// epochs begun so far and the number of whole epochs completed (the epochs begun, the one in
    /// progress included, are the Dirichlet posterior's observations, as in the artifact).
    /// As in the artifact, the expected epochs are rescaled by (E − e) / max(E − e, ⌊ΣE_b + 1⌋); for a static
    /// job the forecast leaves out the epoch in progress.
    /// </summary>
    public double RemainingSeconds(IReadOnlyList<int> observedBatchSizes, int epochsCompleted)
    {
        var epochs = TotalEpochs;
        var remaining = epochs - epochsCompleted;
        if (remaining <= 0) return 0;
        // As in the artifact, the posterior counts the epoch in progress too (every epoch begun).
        var completed = observedBatchSizes.Take(epochsCompleted + 1).ToArray();
        var modes = Modes.Union(completed).ToArray();
        var counts = modes.ToDictionary(b => b, b => completed.Count(x => x == b));
        var alpha = modes.ToDictionary(b => b, b => (double)epochs / modes.Length + counts[b]);
        var alphaSum = alpha.Values.Sum();

        double expectedTotal = 0, seconds = 0;
        foreach (var b in modes)
        {
            var epochsAtMode = epochs * alpha[b] / alphaSum;
            for (var seen = 0; seen < counts[b] && epochsAtMode >= 1; seen++) epochsAtMode -= 1;
            expectedTotal += epochsAtMode;
            seconds += epochsAtMode * EpochSeconds(b);
        }
        return seconds * remaining / Math.Max(remaining, Math.Floor(expectedTotal + 1));
    }

    /// <summary>d̄: the mean calibrated duration of the epochs begun so far.</summary>
    public double MeanObservedEpochSeconds(IReadOnlyList<int> observedBatchSizes) =>
        observedBatchSizes.Count == 0 ? EpochSeconds(_spec.Type.BatchSize) : observedBatchSizes.Average(EpochSeconds);

    /// <summary>The isolated time the completed epochs took, by their calibrated durations.</summary>
    public double CompletedSeconds(IReadOnlyList<int> observedBatchSizes, int epochsCompleted) =>
        observedBatchSizes.Take(epochsCompleted).Sum(EpochSeconds);

    private void Profile(int batchSize)
    {
        var throughput = _profile.Require(_referenceWorker, _spec.Type.Family.JobType(batchSize), _spec.ScaleFactor);
        _profiledThroughput[batchSize] = throughput;
        _profiledEpochSeconds[batchSize] =
            Math.Max(1,
            Math.Round((double)_spec.Type.Family.DatasetSize / batchSize / throughput, MidpointRounding.ToEven));
    }
}
