namespace Frugal.Compression.Simulation;

/// <summary>How a tensor-parallel message is combined across the T ranks of a stage.</summary>
public enum CollectiveKind
{
    /// <summary>Ring all-reduce of n bytes: 2(T−1) latencies and 2(T−1)/T·n bytes per rank.</summary>
    AllReduce,

    /// <summary>Ring all-gather of m bytes per rank (or its mirror, a reduce-scatter): (T−1) latencies and
    /// (T−1)·m bytes.</summary>
    AllGather,
}

/// <summary>One tensor-parallel collective of a stage, with the codec time it costs each rank.</summary>
/// <param name="Kind">All-reduce or all-gather.</param>
/// <param name="Bytes">n for an all-reduce, m (per rank) for an all-gather.</param>
/// <param name="EncodeSeconds">Encoding on each rank (the slowest one).</param>
/// <param name="DecodeSeconds">Decoding on each rank (one code, or every rank's partial).</param>
public sealed record CollectiveMessage(CollectiveKind Kind, long Bytes, double EncodeSeconds = 0,
    double DecodeSeconds = 0);

/// <summary>A point-to-point pipeline message, encoded by the sender and decoded by the receiver.</summary>
/// <param name="Bytes">Payload bytes.</param>
/// <param name="EncodeSeconds">Encoding on the sender.</param>
/// <param name="DecodeSeconds">Decoding on the receiver.</param>
public sealed record PipelineMessage(long Bytes, double EncodeSeconds = 0, double DecodeSeconds = 0);

/// <summary>
/// What one stage does for one micro-batch in a step: compute, collectives and the messages it sends.
/// </summary>
public sealed class MicroBatchWork
{
    /// <summary>Forward compute of the stage's slowest tensor-parallel rank, in seconds.</summary>
    public double ForwardCompute { get; set; }

    /// <summary>Backward compute of the slowest rank, in seconds.</summary>
    public double BackwardCompute { get; set; }

    /// <summary>Tensor-parallel collectives of the forward pass, in order.</summary>
    public List<CollectiveMessage> ForwardCollectives { get; } = [];

    /// <summary>Tensor-parallel collectives of the backward pass.</summary>
    public List<CollectiveMessage> BackwardCollectives { get; } = [];

    /// <summary>The activation sent to the next stage (null on the last stage).</summary>
    public PipelineMessage? Activation { get; set; }

    /// <summary>The gradient sent to the previous stage (null on the first stage).</summary>
    public PipelineMessage? Gradient { get; set; }
}

/// <summary>
/// One training step as measured: per (stage, micro-batch) the work of <see cref="MicroBatchWork"/>. The step simulator
/// replays it on modelled links under a pipeline schedule.
/// </summary>
public sealed class StepProfile
{
    private readonly MicroBatchWork[,] _work;

    /// <summary>An empty profile of <paramref name="stages"/> stages, <paramref name="microBatches"/> micro-batches
    /// and tensor-parallel degree <paramref name="tensorParallel"/>.</summary>
    public StepProfile(int stages, int microBatches, int tensorParallel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tensorParallel, 1);
        (Stages, MicroBatches, TensorParallel) = (stages, microBatches, tensorParallel);
        _work = new MicroBatchWork[stages, microBatches];
        for (var s = 0; s < stages; s++)
            for (var m = 0; m < microBatches; m++)
                _work[s, m] = new MicroBatchWork();
    }

    /// <summary>Pipeline stages S.</summary>
    public int Stages { get; }

    /// <summary>Micro-batches per step.</summary>
    public int MicroBatches { get; }

    /// <summary>Tensor-parallel degree T.</summary>
    public int TensorParallel { get; }

    /// <summary>The work of <paramref name="stage"/> on micro-batch <paramref name="microBatch"/>.</summary>
    public MicroBatchWork this[int stage, int microBatch] => _work[stage, microBatch];

    /// <summary>Every (stage, micro-batch) work item.</summary>
    public IEnumerable<MicroBatchWork> All => _work.Cast<MicroBatchWork>();

    /// <summary>Bytes one rank sends in the step: pipeline messages and its share of the collectives.</summary>
    public long BytesPerStep => All.Sum(w => (w.Activation?.Bytes ?? 0) + (w.Gradient?.Bytes ?? 0)
        + w.ForwardCollectives.Concat(w.BackwardCollectives).Sum(c => c.Bytes));
}
