namespace Frugal.Recsys.Cluster;

/// <summary>The outcome of a training run, as the oracle assembles it.</summary>
public sealed record RunReport
{
    /// <summary>The run's configuration (capacity resolved by the dry run).</summary>
    public required RunConfig Config { get; init; }

    /// <summary>The dry run's bound on the cache (rows).</summary>
    public required int CacheBound { get; init; }

    /// <summary>The global mean loss of every iteration.</summary>
    public required float[] Losses { get; init; }

    /// <summary>SHA-256 of the final dense parameters (the same on every trainer).</summary>
    public required string DenseHash { get; init; }

    /// <summary>SHA-256 of every table row after the final write-back.</summary>
    public required string TablesHash { get; init; }

    /// <summary>Write-backs the server received, one per row lifetime (checked against the oracle's count).</summary>
    public required ServerStats Server { get; init; }

    /// <summary>Each trainer's measurements.</summary>
    public required TrainerReport[] Trainers { get; init; }

    /// <summary>
    /// One hash over tables and dense parameters: equal hashes mean bitwise-equal models (±0 as one).
    /// </summary>
    public string ParameterHash => $"{TablesHash[..16]}-{DenseHash[..16]}";

    /// <summary>
    /// Mean seconds per iteration, over trainers and iterations after the first <paramref name="skip"/>.
    /// </summary>
    public double MeanIteration(Func<TrainerReport, double[]> part, int skip = 0) =>
        Trainers.Average(t => part(t).Skip(skip).DefaultIfEmpty(0).Average());
}
