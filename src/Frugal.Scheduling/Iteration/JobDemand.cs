namespace Frugal.Scheduling.Iteration;

/// <summary>
/// What one job asks of each of its GPUs per iteration at one σ on one GPU type, alone on them: the
/// demand(job type, sf, σ) of the design's throughput-oracle extension. Shares are fractions of an iteration of
/// length <see cref="IterationSeconds"/>. Under the full-sync guard (period K) every figure is the mean over K
/// iterations, one of them at σ = 0, except memory, which must hold the full iteration.
/// </summary>
/// <param name="Worker">The GPU type.</param>
/// <param name="Sigma">The realised σ of <see cref="Config"/>.</param>
/// <param name="Config">The depths.</param>
/// <param name="FullSyncShare">The fraction of iterations run at σ = 0 by the full-sync guard (1/K, or 0).</param>
/// <param name="IterationSeconds">T_iter alone on its GPUs.</param>
/// <param name="ComputeShares">T_w / T_iter per worker.</param>
/// <param name="NetworkShares">The fraction of T_iter each worker's NIC share is busy.</param>
/// <param name="MemoryBytes">M_w per worker.</param>
/// <param name="AllReduceBytes">Bytes all the job's all-reduces send per iteration.</param>
/// <param name="Progress">What one iteration is worth toward the target: 1 − κ·σ, averaged with the guard's full
/// iterations (worth 1).</param>
internal sealed record JobDemand(string Worker, double Sigma, SpbConfig Config, double FullSyncShare,
    double IterationSeconds, IReadOnlyList<double> ComputeShares, IReadOnlyList<double> NetworkShares,
    IReadOnlyList<double> MemoryBytes, double AllReduceBytes, double Progress)
{
    /// <summary>
    /// The demand of a job of <paramref name="model"/> on <paramref name="workers"/> GPUs of type
    /// <paramref name="worker"/> at per-worker batch <paramref name="batch"/>, anchored to its measured iteration
    /// time and its 1-GPU iteration time on that type.
    /// </summary>
    /// <param name="model">The profile.</param>
    /// <param name="worker">The GPU type the times were measured on.</param>
    /// <param name="workers">W.</param>
    /// <param name="batch">b.</param>
    /// <param name="isolatedSeconds">W / (measured steps/s on W GPUs): one synchronous iteration at σ = 0.</param>
    /// <param name="computeSeconds">1 / (steps/s on one GPU): the iteration without communication; null when
    /// not measured (then the whole iteration counts as compute).</param>
    /// <param name="sigma">The nominal σ.</param>
    /// <param name="options">κ, c_min, the full-sync period, the ring model and ω.</param>
    public static JobDemand Of(ModelProfile model, string worker, int workers, int batch, double isolatedSeconds,
        double? computeSeconds, double sigma, JigSawOptions options)
    {
        var compute = computeSeconds is { } c && c > 0 ? Math.Min(c, isolatedSeconds) : isolatedSeconds;
        var forwardShare =
            SpbCostModel.ForwardFlops(model, batch) / SpbCostModel.WorkerFlops(model, model.Depth, batch);
        // The measured gap between W GPUs and one is the exposed all-reduce, (1 − ω)·T_net.
        var timing = new SpbTiming(compute * forwardShare, compute * (1 - forwardShare),
            workers == 1 ? 0 : (isolatedSeconds - compute) / (1 - options.Overlap));
        var minContributors = Math.Min(options.MinContributors, workers);
        var config = SpbConfig.Canonical(workers, model.Depth, sigma, minContributors);
        var alone = Cost.Of(model, config, batch, timing, options);
        var full = config.Sigma > 0 && options.FullSyncPeriod > 0 ? 1.0 / options.FullSyncPeriod : 0;
        if (full > 0) alone = alone.Mix(Cost.Of(model, SpbConfig.Full(workers, model.Depth), batch, timing, options),
            full);
        var t = alone.Seconds;
        return new JobDemand(worker, config.Sigma, config, full, t, [.. alone.Compute.Select(x => x / t)],
            [.. alone.Network.Select(x => x / t)], alone.Memory, alone.Bytes,
            (1 - full) * (1 - options.Kappa * config.Sigma) + full);
    }

    /// <summary>One iteration's seconds of compute and of NIC use per worker, memory, length and bytes sent.</summary>
    private sealed record Cost(double[] Compute, double[] Network, double[] Memory, double Seconds, double Bytes)
    {
        public static Cost Of(ModelProfile model, SpbConfig config, int batch, SpbTiming timing,
            JigSawOptions options)
        {
            var bandwidth = options.NodeBandwidthBytesPerSecond / options.GpusPerNode;
            var iteration = SpbCostModel.Iteration(model, config, batch, timing,
                (bandwidth, options.RingLatencySeconds), options.Overlap);
            var busiest = iteration.BytesSent.Max();
            return new Cost([.. iteration.ComputeSeconds],
                [.. iteration.BytesSent.Select(b => busiest > 0 ? iteration.NetworkSeconds * b / busiest : 0)],
                [.. iteration.MemoryBytes], iteration.IterationSeconds, SpbCostModel.AllReduceBytes(model, config));
        }

        /// <summary>The mean of this iteration and <paramref name="other"/> in proportion 1 − share : share;
        /// memory must hold either.</summary>
        public Cost Mix(Cost other, double share)
        {
            double Mean(double a, double b) => (1 - share) * a + share * b;
            return new Cost([.. Compute.Zip(other.Compute, Mean)], [.. Network.Zip(other.Network, Mean)],
                [.. Memory.Zip(other.Memory, Math.Max)], Mean(Seconds, other.Seconds), Mean(Bytes, other.Bytes));
        }
    }
}
