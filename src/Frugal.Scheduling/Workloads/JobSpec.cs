namespace Frugal.Scheduling.Workloads;

/// <summary>
/// One job of a trace, field for field as Gavel's and Shockwave's trace format has it. The
/// total steps are iterations at the initial batch size; the duration is how long the job takes
/// alone on its GPUs at that batch size (what the generator drew).
/// </summary>
/// <param name="Id">The job's position in the trace, from 0.</param>
/// <param name="Type">The model and the batch size it starts with.</param>
/// <param name="Command">The training command, recorded as the trace has it (the simulator does not run it).</param>
/// <param name="WorkingDirectory">Where the command runs, relative to the workloads folder.</param>
/// <param name="NumStepsArgument">The command-line flag that sets the number of steps.</param>
/// <param name="NeedsDataDirectory">Whether the command takes the data folder.</param>
/// <param name="TotalSteps">Training iterations at the initial batch size.</param>
/// <param name="ScaleFactor">The GPUs it needs at once (its gang size: 1, 2, 4 or 8).</param>
/// <param name="Mode">How it changes its batch size while training.</param>
/// <param name="PriorityWeight">Its weight for the policies that use one (1 in the Shockwave traces).</param>
/// <param name="Slo">Its service-level objective as the trace records it; no policy here uses it.</param>
/// <param name="DurationSeconds">How long it takes alone on its GPUs at the initial batch size.</param>
/// <param name="ArrivalSeconds">When it arrives, in seconds from the start of the trace.</param>
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
    /// <summary>
    /// Epochs of training: the steps cover this many passes over the dataset, the last possibly partial.
    /// </summary>
    public int Epochs => (int)Math.Ceiling(TotalSteps / Type.Family.StepsPerEpoch(Type.BatchSize) - 1e-9);

    /// <summary>The batch size of each epoch under the job's adaptation mode.</summary>
    public int[] BatchSizeSchedule() => Workloads.BatchSizeSchedule.For(Type, Mode, Epochs, ScaleFactor);
}
