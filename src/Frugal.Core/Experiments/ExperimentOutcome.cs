using Frugal.Core.Results;

namespace Frugal.Core.Experiments;

/// <summary>How one experiment of a reproduction went: its result, or the error that stopped it.</summary>
public sealed record ExperimentOutcome(IExperiment Experiment, ExperimentResult? Result, string? Error,
    TimeSpan Duration)
{
    /// <summary>Whether the experiment produced a result.</summary>
    public bool Succeeded => Result is not null;
}
