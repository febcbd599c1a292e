namespace Frugal.Scheduling.Iteration;

/// <summary>
/// An SPB job's measured iteration at σ = 0 on its own GPUs: the anchor that turns the FLOP model into seconds.
/// </summary>
/// <param name="ForwardSeconds">t_fwd: the forward pass of one worker.</param>
/// <param name="BackwardSeconds">t_bwd: the full backward pass of one worker.</param>
/// <param name="NetworkSeconds">The gradient all-reduce at σ = 0 (0 for one worker).</param>
public readonly record struct SpbTiming(double ForwardSeconds, double BackwardSeconds, double NetworkSeconds);

/// <summary>One iteration of an SPB job, worker by worker (§3.3 of the design).</summary>
/// <param name="ComputeSeconds">T_w per worker.</param>
/// <param name="MemoryBytes">M_w per worker: static memory, kept activations and the transient forward buffer.</param>
/// <param name="BytesSent">Gradient bytes each worker sends in the ring all-reduces.</param>
/// <param name="NetworkSeconds">T_net: the all-reduces, anchored to the measured time at σ = 0.</param>
/// <param name="IterationSeconds">T_iter = max_w T_w + (1 − ω)·T_net.</param>
public sealed record SpbIteration(IReadOnlyList<double> ComputeSeconds, IReadOnlyList<double> MemoryBytes,
    IReadOnlyList<double> BytesSent, double NetworkSeconds, double IterationSeconds);

/// <summary>
/// The SPB cost model: pure functions of a model profile, a depth vector and the per-worker batch size. Worker w
/// computes the forward pass of every block, the weight gradient of each block in S_w and the input gradient of
/// each block of S_w except the lowest (nothing below it needs it); it keeps the activations of S_w for backward;
/// each block's gradient is ring-all-reduced over its contributors.
/// </summary>
public static class SpbCostModel
{
    /// <summary>C_fwd = b·Σ_i F_i.</summary>
    public static double ForwardFlops(ModelProfile model, double batch) =>
        batch * model.Blocks.Sum(b => b.ForwardFlops);

    /// <summary>C_w: forward and partial-backward FLOPs of a worker of depth <paramref name="depth"/>.</summary>
    public static double WorkerFlops(ModelProfile model, int depth, double batch)
    {
        var lowest = model.Depth - depth; // 0-based index of the lowest backpropagated block
        double backward = 0;
        for (var i = lowest; i < model.Depth; i++)
            backward += model.Blocks[i].WeightGradientFlops + (i > lowest ? model.Blocks[i].InputGradientFlops : 0);
        return ForwardFlops(model, batch) + batch * backward;
    }

    /// <summary>b·Σ_{i∈S_w} A_i: the activation bytes a worker keeps for its backward pass.</summary>
    public static double KeptActivationBytes(ModelProfile model, int depth, double batch) =>
        batch * model.Blocks.Skip(model.Depth - depth).Sum(b => b.ActivationBytes);

    /// <summary>M_w = M0 + b·Σ_{i∈S_w} A_i + b·max_{i∉S_w} A_i (a skipped block's transient buffer).</summary>
    public static double WorkerMemoryBytes(ModelProfile model, int depth, double batch)
    {
        var skipped = model.Blocks.Take(model.Depth - depth).Select(b => b.ActivationBytes).DefaultIfEmpty(0).Max();
        return model.StaticBytes + KeptActivationBytes(model, depth, batch) + batch * skipped;
    }

    /// <summary>Bytes worker <paramref name="worker"/> sends: Σ over its blocks of 2(n_i − 1)/n_i·P_i.</summary>
    public static double BytesSent(ModelProfile model, SpbConfig config, int worker)
    {
        double bytes = 0;
        for (var i = 0; i < model.Depth; i++)
            if (config.Covers(config.Depths[worker], i + 1))
                bytes += RingShare(config.Coverage[i]) * model.Blocks[i].GradientBytes;
        return bytes;
    }

    /// <summary>All bytes the job's all-reduces send in one iteration: Σ_i 2(n_i − 1)·P_i.</summary>
    public static double AllReduceBytes(ModelProfile model, SpbConfig config) =>
        Enumerable.Range(0, config.Workers).Sum(w => BytesSent(model, config, w));

    /// <summary>
    /// T_net = Σ_i [2(n_i − 1)/n_i·P_i / BW + 2(n_i − 1)·α]: a ring all-reduce per block over its contributors.
    /// </summary>
    /// <param name="model">The profile.</param>
    /// <param name="config">The depths.</param>
    /// <param name="bytesPerSecond">BW, a worker's share of its node's NIC.</param>
    /// <param name="latencySeconds">α, the latency of one ring step.</param>
    public static double RingSeconds(ModelProfile model, SpbConfig config, double bytesPerSecond,
        double latencySeconds)
    {
        double seconds = 0;
        for (var i = 0; i < model.Depth; i++)
        {
            var n = config.Coverage[i];
            seconds += RingShare(n) * model.Blocks[i].GradientBytes / bytesPerSecond
                       + 2 * (n - 1) * latencySeconds;
        }
        return seconds;
    }

    /// <summary>
    /// One iteration under <paramref name="config"/>: T_w = t_fwd + t_bwd·(C_w − C_fwd)/(C_full − C_fwd); T_net is
    /// the measured network time scaled by the ring model's ratio to SPB off.
    /// </summary>
    /// <param name="model">The profile.</param>
    /// <param name="config">The depths.</param>
    /// <param name="batch">b, the per-worker batch size.</param>
    /// <param name="timing">The measured iteration at σ = 0.</param>
    /// <param name="network">BW and α of the ring model.</param>
    /// <param name="overlap">ω, the fraction of the all-reduce hidden behind compute, from 0 to 1.</param>
    public static SpbIteration Iteration(ModelProfile model, SpbConfig config, double batch, SpbTiming timing,
        (double BytesPerSecond, double LatencySeconds) network, double overlap)
    {
        if (config.Blocks != model.Depth)
            throw new ArgumentException($"{config} is for {config.Blocks} blocks; {model.Name} has {model.Depth}.",
                nameof(config));
        var forward = ForwardFlops(model, batch);
        var fullBackward = WorkerFlops(model, model.Depth, batch) - forward;
        var compute = config.Depths.Select(d => timing.ForwardSeconds + (fullBackward > 0
            ? timing.BackwardSeconds * (WorkerFlops(model, d, batch) - forward) / fullBackward
            : timing.BackwardSeconds)).ToArray();
        var memory = config.Depths.Select(d => WorkerMemoryBytes(model, d, batch)).ToArray();
        var sent = Enumerable.Range(0, config.Workers).Select(w => BytesSent(model, config, w)).ToArray();
        var full = RingSeconds(model, SpbConfig.Full(config.Workers, model.Depth), network.BytesPerSecond,
            network.LatencySeconds);
        var net = full > 0
            ? timing.NetworkSeconds * RingSeconds(model, config, network.BytesPerSecond, network.LatencySeconds) / full
            : 0;
        return new SpbIteration(compute, memory, sent, net, compute.Max() + (1 - overlap) * net);
    }

    private static double RingShare(int contributors) => 2.0 * (contributors - 1) / contributors;
}
