using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Learning.Data;
using Frugal.Learning.Determinism;
using static TorchSharp.torch;

namespace Frugal.JigSaw;

/// <summary>A classification task as tensors: float features, long labels.</summary>
/// <param name="Name">What it is, for results.</param>
/// <param name="TrainX">Training features (N × F).</param>
/// <param name="TrainY">Training labels.</param>
/// <param name="TestX">Test features.</param>
/// <param name="TestY">Test labels.</param>
/// <param name="Classes">The number of classes.</param>
internal sealed record SpbTask(string Name, Tensor TrainX, Tensor TrainY, Tensor TestX, Tensor TestY, int Classes)
    : IDisposable
{
    /// <summary>The task names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["synthetic", "cora"];

    public int Features => (int)TrainX.shape[1];

    /// <summary>Loads or generates <paramref name="name"/>.</summary>
    /// <exception cref="BadInputException">An unknown task, or Cora's files are missing or malformed.</exception>
    public static SpbTask Load(string name, SeedTree seeds) => name switch
    {
        "synthetic" => Synthetic(seeds.Child("task")),
        "cora" => Cora(),
        _ => throw new BadInputException($"unknown task '{name}'; known: {string.Join(", ", Names)}", "task"),
    };

    /// <summary>
    /// 64 Gaussian features, 8 classes labelled by a random teacher network (argmax of tanh(x·A)·B): learnable but
    /// not linearly separable. 4,096 training and 2,048 test samples.
    /// </summary>
    public static SpbTask Synthetic(SeedTree seeds)
    {
        using var generator = DeterministicTorch.Generator(seeds, "synthetic");
        const int features = 64, hidden = 32, classes = 8;
        var a = randn(features, hidden, generator: generator) / Math.Sqrt(features) * 2;
        var b = randn(hidden, classes, generator: generator);
        Tensor Labels(Tensor x) => tanh(x.matmul(a)).matmul(b).argmax(1);
        var trainX = randn(4096, features, generator: generator);
        var testX = randn(2048, features, generator: generator);
        return new SpbTask("synthetic (64 features, 8 classes, teacher network)", trainX, Labels(trainX), testX,
            Labels(testX), classes);
    }

    /// <summary>
    /// Cora's 1,433 binary word features and 7 classes (no edges): training on the Planetoid training and
    /// validation nodes (640; nothing is tuned on them), testing on its 1,000 test nodes.
    /// </summary>
    public static SpbTask Cora()
    {
        var cora = CoraGraph.Load();
        (Tensor X, Tensor Y) Take(IEnumerable<int> nodes)
        {
            var list = nodes.ToArray();
            var x = new float[list.Length * CoraGraph.FeatureCount];
            for (var i = 0; i < list.Length; i++)
                foreach (var f in cora.Features[list[i]]) x[i * CoraGraph.FeatureCount + f] = 1;
            return (tensor(x, [list.Length, CoraGraph.FeatureCount]),
                tensor(list.Select(n => (long)cora.Labels[n]).ToArray()));
        }
        var (trainX, trainY) = Take(cora.Train.Concat(cora.Validation));
        var (testX, testY) = Take(cora.Test);
        return new SpbTask("Cora features (1,433 words, 7 classes)", trainX, trainY, testX, testY,
            CoraGraph.ClassCount);
    }

    public void Dispose()
    {
        TrainX.Dispose();
        TrainY.Dispose();
        TestX.Dispose();
        TestY.Dispose();
    }
}
