namespace Frugal.Scheduling.Workloads;

/// <summary>
/// One job of a trace, field for field as Gavel's and Shockwave's trace format has it. The
/// total steps are iterations at the initial batch size; the duration is how long the job takes
/// alone on its GPUs at that batch size (what the generator drew).
/// </summary>
public sealed record JobSpec(
    int Id,
    JobType Type,
    string Command,
    string WorkingDirectory,
    string NumStepsArgument,
    bool NeedsDataDirectory,
    double TotalSteps,
    int ScaleFactor,
    AdaptationMode Mode,
    double PriorityWeight,
    double Slo,
    double DurationSeconds,
    double ArrivalSeconds)
{
    /// <summary>Epochs of training: the steps cover this many passes over the dataset, the last possibly partial.</summary>
    public int Epochs => (int)Math.Ceiling(TotalSteps / Type.Family.StepsPerEpoch(Type.BatchSize) - 1e-9);

    /// <summary>The batch size of each epoch under the job's adaptation mode.</summary>
    public int[] BatchSizeSchedule() => Workloads.BatchSizeSchedule.For(Type, Mode, Epochs, ScaleFactor);
}
