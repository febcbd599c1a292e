using Frugal.Core.Results;
using Frugal.Learning.Metrics;
using Frugal.Learning.Training;
using Spectre.Console.Testing;
using static TorchSharp.torch;

namespace Frugal.Learning.Tests;

public class TrainingTests
{
    [Fact]
    public void TrainingLowersTheLossAndRecordsEveryEpoch()
    {
        using var problem = new TinyProblem(seed: 1);
        var history = problem.Train(epochs: 5);

        Assert.Equal([1, 2, 3, 4, 5], history.Epochs.Select(e => e.Epoch));
        Assert.All(history.Epochs, e => Assert.Equal(TinyProblem.Rows / TinyProblem.BatchSize, e.Batches));
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss * 0.7,
            $"loss {history.Epochs[0].Loss} -> {history.Epochs[^1].Loss}");
    }

    [Fact]
    public void EvaluationMetricsGoIntoTheResultModel()
    {
        using var problem = new TinyProblem(seed: 1);
        var evaluated = new List<bool>();
        var trainer = new Trainer<(Tensor X, Tensor Y)>(problem.Model, problem.Optimizer,
            b => nn.functional.binary_cross_entropy_with_logits(problem.Model.call(b.X), b.Y))
        {
            Evaluate = epoch =>
            {
                evaluated.Add(is_grad_enabled());
                var scores = problem.Model.call(problem.Inputs).flatten().data<float>().ToArray();
                var labels = problem.Labels.flatten().data<float>().ToArray().Select(v => (int)v).ToArray();
                return new Dictionary<string, double> { ["auc"] = Classification.Auc(scores, labels) };
            },
        };

        var history = trainer.Fit(new TrainingOptions { Epochs = 3 }, problem.Batches);
        var result = history.RecordIn(new ExperimentResult("learning.test", "test"));

        Assert.Equal([false, false, false], evaluated);
        var table = result.Table("epochs");
        Assert.Equal(["epoch", "loss", "batches", "auc"], table.Columns.Select(c => c.Name));
        Assert.Equal([1.0, 2, 3], table.Numbers("epoch"));
        Assert.Equal(history.Epochs[^1].Loss, result.Metric("final loss").Value);
        Assert.True(result.Metric("final auc").Value > 0.9);
    }

    [Fact]
    public void ProgressIsReportedAfterEveryBatchAndShownOnTheConsole()
    {
        using var problem = new TinyProblem(seed: 1);
        var console = new TestConsole().Interactive();
        var reports = new List<TrainingProgress>();

        TrainingConsole.Run(console, "tiny", progress => problem.Trainer().Fit(
            new TrainingOptions { Epochs = 2, BatchesPerEpoch = TinyProblem.Rows / TinyProblem.BatchSize },
            problem.Batches, new Frugal.Core.Experiments.SynchronousProgress<TrainingProgress>(p =>
            {
                reports.Add(p);
                progress.Report(p);
            })));

        Assert.Equal(2 * TinyProblem.Rows / TinyProblem.BatchSize, reports.Count);
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.Equal(0.5, reports[TinyProblem.Rows / TinyProblem.BatchSize - 1].Fraction);
        Assert.Contains("tiny: epoch 2/2", console.Output);
    }

    [Fact]
    public void CancellationStopsBetweenBatches()
    {
        using var problem = new TinyProblem(seed: 1);
        using var cancellation = new CancellationTokenSource();
        var batches = 0;
        var progress = new Frugal.Core.Experiments.SynchronousProgress<TrainingProgress>(_ =>
        {
            if (++batches == 3) cancellation.Cancel();
        });

        Assert.Throws<OperationCanceledException>(() =>
            problem.Trainer().Fit(new TrainingOptions { Epochs = 2 }, problem.Batches, progress, cancellation.Token));
        Assert.Equal(3, batches);
    }
}
