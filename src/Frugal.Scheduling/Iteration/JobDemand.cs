namespace Frugal.Scheduling.Iteration;

/// <summary>
/// What one job asks of each of its GPUs per iteration at one σ, alone on them: the demand(job type, sf, σ)
/// of the design's throughput-oracle extension. Shares are fractions of an iteration of length
/// <see cref="IterationSeconds"/>.
/// </summary>
/// <param name="Sigma">The realised σ of <see cref="Config"/>.</param>
/// <param name="Config">The depths.</param>
/// <param name="IterationSeconds">T_iter alone on its GPUs.</param>
/// <param name="ComputeShares">T_w / T_iter per worker.</param>
/// <param name="NetworkShares">The fraction of T_iter each worker's NIC share is busy.</param>
/// <param name="MemoryBytes">M_w per worker.</param>
/// <param name="AllReduceBytes">Bytes all the job's all-reduces send per iteration.</param>
/// <param name="Progress">1 − κ·σ: what one iteration is worth toward the job's target.</param>
internal sealed record JobDemand(double Sigma, SpbConfig Config, double IterationSeconds,
    IReadOnlyList<double> ComputeShares, IReadOnlyList<double> NetworkShares, IReadOnlyList<double> MemoryBytes,
    double AllReduceBytes, double Progress)
{
    /// <summary>
    /// The demand of a job of <paramref name="model"/> on <paramref name="workers"/> GPUs at per-worker batch
    /// <paramref name="batch"/>, anchored to its measured iteration time and its 1-GPU iteration time.
    /// </summary>
    /// <param name="model">The profile.</param>
    /// <param name="workers">W.</param>
    /// <param name="batch">b.</param>
    /// <param name="isolatedSeconds">W / (measured steps/s on W GPUs): one synchronous iteration at σ = 0.</param>
    /// <param name="computeSeconds">1 / (steps/s on one GPU): the iteration without communication; null when
    /// not measured (then the whole iteration counts as compute).</param>
    /// <param name="sigma">The nominal σ.</param>
    /// <param name="options">κ, c_min, the ring model and ω.</param>
    public static JobDemand Of(ModelProfile model, int workers, int batch, double isolatedSeconds,
        double? computeSeconds, double sigma, JigSawOptions options)
    {
        var compute = computeSeconds is { } c && c > 0 ? Math.Min(c, isolatedSeconds) : isolatedSeconds;
        var forwardShare =
            SpbCostModel.ForwardFlops(model, batch) / SpbCostModel.WorkerFlops(model, model.Depth, batch);
        // The measured gap between W GPUs and one is the exposed all-reduce, (1 − ω)·T_net.
        var timing = new SpbTiming(compute * forwardShare, compute * (1 - forwardShare),
            workers == 1 ? 0 : (isolatedSeconds - compute) / (1 - options.Overlap));
        var config = SpbConfig.Canonical(workers, model.Depth, sigma, Math.Min(options.MinContributors, workers));
        var bandwidth = options.NodeBandwidthBytesPerSecond / options.GpusPerNode;
        var iteration = SpbCostModel.Iteration(model, config, batch, timing,
            (bandwidth, options.RingLatencySeconds), options.Overlap);
        var busiest = iteration.BytesSent.Max();
        var t = iteration.IterationSeconds;
        return new JobDemand(config.Sigma, config, t,
            iteration.ComputeSeconds.Select(c => c / t).ToArray(),
            iteration.BytesSent.Select(b => busiest > 0 ? iteration.NetworkSeconds * b / busiest / t : 0).ToArray(),
            iteration.MemoryBytes, SpbCostModel.AllReduceBytes(model, config), 1 - options.Kappa * config.Sigma);
    }
}
