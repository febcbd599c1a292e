using Frugal.Core.Results;

namespace Frugal.Learning.Training;

/// <summary>One epoch's outcome.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Loss">The mean loss of its batches.</param>
/// <param name="Batches">How many batches it trained on.</param>
/// <param name="Evaluation">The metrics <see cref="Trainer{TBatch}.Evaluate"/> returned after it.</param>
public sealed record EpochSummary(int Epoch, double Loss, long Batches, IReadOnlyDictionary<string, double> Evaluation);

/// <summary>The epochs of a training run, ready for the result model.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochSummary> _epochs = [];

    /// <summary>The epochs in the order they ran.</summary>
    public IReadOnlyList<EpochSummary> Epochs => _epochs;

    internal void Add(EpochSummary summary) => _epochs.Add(summary);

    /// <summary>
    /// A record table with a row per epoch: epoch, loss, batches, then each evaluation metric (in the
    /// order first reported; a cell is empty for an epoch that did not report it). No wall-clock
    /// times: the same seed must give the same table.
    /// </summary>
    public RecordTable ToTable(string name = "epochs")
    {
        var metrics = _epochs.SelectMany(e => e.Evaluation.Keys).Distinct().ToList();
        var columns = new List<Column> { new("epoch"), new("loss"), new("batches") };
        columns.AddRange(metrics.Select(m => new Column(m)));
        var table = new RecordTable(name, columns);
        foreach (var epoch in _epochs)
        {
            var cells = new List<object?> { epoch.Epoch, epoch.Loss, epoch.Batches };
            cells.AddRange(metrics.Select(m => epoch.Evaluation.TryGetValue(m, out var v) ? (object)v : null));
            table.Add([.. cells]);
        }
        return table;
    }

    /// <summary>Adds <see cref="ToTable"/> to <paramref name="result"/>'s records, and the last epoch's
    /// loss and evaluation metrics to its metrics (prefixed "final ").</summary>
    public ExperimentResult RecordIn(ExperimentResult result, string tableName = "epochs")
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Records.Add(ToTable(tableName));
        if (_epochs.Count == 0) return result;
        var last = _epochs[^1];
        result.WithMetric("final loss", last.Loss);
        foreach (var (metric, value) in last.Evaluation) result.WithMetric("final " + metric, value);
        return result;
    }
}
