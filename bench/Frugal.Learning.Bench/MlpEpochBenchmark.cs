using System.Diagnostics;
using System.Globalization;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Learning.Determinism;
using Frugal.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Learning.Bench;

/// <summary>
/// Times epochs of a 2-layer MLP (Linear, ReLU, Linear; Adam; binary cross-entropy with logits) on
/// synthetic rows through Frugal.Learning's trainer. bench/learning/mlp_epoch.py times the same model in
/// PyTorch, and bench/learning/run.sh runs both and prints the ratio.
/// </summary>
internal static class MlpEpochBenchmark
{
    /// <summary>The settings, shared by name with mlp_epoch.py: --rows, --features, --hidden, --batch,
    /// --threads, --epochs (timed, after one untimed warm-up epoch), --seed.</summary>
    private static readonly Dictionary<string, long> Defaults = new()
    {
        ["rows"] = 100_000, ["features"] = 64, ["hidden"] = 256, ["batch"] = 256,
        ["threads"] = 1, ["epochs"] = 5, ["seed"] = 1,
    };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        Dictionary<string, long> settings;
        try
        {
            settings = Parse(args);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"frugal-learning-bench: {e.Message}");
            var usage = string.Join(" ", Defaults.Select(d => $"[--{d.Key} {d.Value}]"));
            error.WriteLine($"usage: frugal-learning-bench {usage}");
            return 2;
        }
        output.WriteLine(ResultJson.Serialize(Measure(settings)));
        return 0;
    }

    private static Dictionary<string, long> Parse(string[] args)
    {
        var settings = new Dictionary<string, long>(Defaults);
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : "";
            if (!settings.ContainsKey(name)) throw new ArgumentException($"unknown option '{args[i]}'");
            if (i + 1 >= args.Length
                || !long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || value < 1)
                throw new ArgumentException($"{args[i]} takes a positive integer");
            settings[name] = value;
        }
        return settings;
    }

    private static ExperimentResult Measure(IReadOnlyDictionary<string, long> s)
    {
        var seeds = new SeedTree((ulong)s["seed"]);
        var torchSettings = DeterministicTorch.Configure(seeds, (int)s["threads"]);
        int rows = (int)s["rows"], batch = (int)s["batch"];

        using var data = DeterministicTorch.Generator(seeds, "data");
        using var inputs = randn([rows, s["features"]], generator: data);
        using var truth = randn([s["features"], 1], generator: data);
        using var labels = inputs.matmul(truth).gt(0).to(float32);
        using var model = nn.Sequential(nn.Linear(s["features"], s["hidden"]), nn.ReLU(), nn.Linear(s["hidden"], 1));
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        using var shuffle = DeterministicTorch.Generator(seeds, "shuffle");
        var trainer = new Trainer<(Tensor X, Tensor Y)>(model, optimizer,
            b => nn.functional.binary_cross_entropy_with_logits(model.call(b.X), b.Y));

        IEnumerable<(Tensor X, Tensor Y)> Batches(int epoch)
        {
            using var order = randperm(rows, generator: shuffle);
            for (var start = 0; start < rows; start += batch)
            {
                using var take = order.narrow(0, start, Math.Min(batch, rows - start));
                using var x = inputs.index_select(0, take);
                using var y = labels.index_select(0, take);
                yield return (x, y);
            }
        }

        var epochs = new RecordTable("epochs",
            [new Column("epoch"), new Column("seconds", Unit: "s"), new Column("loss")]);
        var timings = new List<double>();
        for (var epoch = 1; epoch <= s["epochs"] + 1; epoch++)
        {
            var watch = Stopwatch.StartNew();
            var history = trainer.Fit(new TrainingOptions { Epochs = epoch, FirstEpoch = epoch }, Batches);
            var seconds = watch.Elapsed.TotalSeconds;
            // Epoch 1 is the warm-up (first calls into libtorch, JIT): recorded, not timed.
            if (epoch > 1) timings.Add(seconds);
            epochs.Add(epoch, seconds, history.Epochs[0].Loss);
        }

        var result = new ExperimentResult(
            "learning.mlp-epoch.frugal", "One epoch of a 2-layer MLP, Frugal.Learning (TorchSharp)");
        foreach (var (name, value) in s) result.WithParameter(name, value);
        torchSettings.RecordIn(result);
        result.WithMetric("median epoch", Median(timings), "s").WithMetric("fastest epoch", timings.Min(), "s");
        result.Records.Add(epochs);
        return result;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
