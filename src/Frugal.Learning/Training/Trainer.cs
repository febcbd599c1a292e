using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Learning.Training;

/// <summary>Where a training run is, reported after every batch.</summary>
/// <param name="Epoch">The epoch under way, from 1.</param>
/// <param name="FirstEpoch">The run's first epoch (past 1 when it resumed from a checkpoint).</param>
/// <param name="Epochs">The last epoch of the run.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="BatchesPerEpoch">Batches in an epoch, where the caller knows.</param>
/// <param name="MeanLoss">The mean loss of this epoch's batches so far.</param>
public sealed record TrainingProgress(
    int Epoch, int FirstEpoch, int Epochs, long Batch, long? BatchesPerEpoch, double MeanLoss)
{
    /// <summary>The fraction of the run done, in [0, 1] (whole epochs where the batch count is unknown).</summary>
    public double Fraction
    {
        get
        {
            var within = BatchesPerEpoch is > 0 and var n ? Math.Min(1.0, (double)Batch / n) : 0;
            var total = Epochs - FirstEpoch + 1;
            return total <= 0 ? 1 : Math.Clamp((Epoch - FirstEpoch + within) / total, 0, 1);
        }
    }
}

/// <summary>How a <see cref="Trainer{TBatch}"/> runs.</summary>
public sealed record TrainingOptions
{
    /// <summary>The last epoch to train (epochs count from 1).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>The first epoch to train: 1, or one past a checkpoint's epoch when resuming.</summary>
    public int FirstEpoch { get; init; } = 1;

    /// <summary>Batches per epoch, for progress; null where unknown.</summary>
    public long? BatchesPerEpoch { get; init; }

    /// <summary>Where to save a checkpoint (parameters and optimiser state) after every epoch; null for none.</summary>
    public string? CheckpointPath { get; init; }
}

/// <summary>
/// The training loop the components share: per batch, zero the gradients, compute the loss, back-propagate
/// and step the optimiser, inside a dispose scope so no native tensor outlives its step; per epoch, the
/// mean batch loss and (optionally) evaluation metrics computed in eval mode without gradients, and a
/// checkpoint. What a batch is and how its loss is computed belongs to the component.
/// </summary>
/// <typeparam name="TBatch">The component's batch (tensors, index arrays, a sampled subgraph, ...).</typeparam>
public sealed class Trainer<TBatch>
{
    private readonly nn.Module _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Func<TBatch, Tensor> _loss;

    /// <param name="model">The model whose parameters <paramref name="optimizer"/> updates.</param>
    /// <param name="optimizer">The optimiser.</param>
    /// <param name="loss">The scalar loss of one batch, computed through <paramref name="model"/>.</param>
    public Trainer(nn.Module model, optim.Optimizer optimizer, Func<TBatch, Tensor> loss)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _loss = loss ?? throw new ArgumentNullException(nameof(loss));
    }

    /// <summary>Metrics to record after each epoch (e.g. validation AUC), given the epoch; run in eval mode
    /// without gradients. Names become columns of the history's table.</summary>
    public Func<int, IReadOnlyDictionary<string, double>>? Evaluate { get; init; }

    /// <summary>Trains epochs <see cref="TrainingOptions.FirstEpoch"/> to
    /// <see cref="TrainingOptions.Epochs"/>.</summary>
    /// <param name="options">Epochs, progress hint and checkpointing.</param>
    /// <param name="batches">The batches of an epoch, given the epoch (shuffle with a generator of
    /// <see cref="Determinism.DeterministicTorch.Generator"/> to stay reproducible). Tensors it creates are
    /// its own to release: in an iterator, <c>using var x = ...; yield return x;</c> releases each batch
    /// when the trainer asks for the next.</param>
    /// <param name="progress">Told after every batch.</param>
    /// <param name="cancellation">Checked between batches.</param>
    public TrainingHistory Fit(TrainingOptions options, Func<int, IEnumerable<TBatch>> batches,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FirstEpoch, 1);
        var history = new TrainingHistory();
        for (var epoch = options.FirstEpoch; epoch <= options.Epochs; epoch++)
        {
            _model.train();
            var lossSum = 0.0;
            long count = 0;
            foreach (var batch in batches(epoch))
            {
                cancellation.ThrowIfCancellationRequested();
                lossSum += Step(batch);
                count++;
                progress?.Report(new TrainingProgress(
                    epoch, options.FirstEpoch, options.Epochs, count, options.BatchesPerEpoch, lossSum / count));
            }
            if (count == 0) throw new InvalidOperationException($"epoch {epoch} has no batches.");
            history.Add(new EpochSummary(epoch, lossSum / count, count, EvaluateEpoch(epoch)));
            if (options.CheckpointPath is { } path) Checkpoint.Save(path, _model, _optimizer, epoch);
        }
        return history;
    }

    private double Step(TBatch batch)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var loss = _loss(batch);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    private IReadOnlyDictionary<string, double> EvaluateEpoch(int epoch)
    {
        if (Evaluate is null) return new Dictionary<string, double>();
        _model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return Evaluate(epoch);
        }
        finally
        {
            _model.train();
        }
    }
}
