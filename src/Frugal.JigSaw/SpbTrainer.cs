using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Learning.Determinism;
using Frugal.Scheduling.Iteration;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.JigSaw;

/// <summary>The settings of one SPB training run.</summary>
public sealed record SpbTrainingOptions
{
    /// <summary>mlp, cnn or transformer.</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>synthetic or cora.</summary>
    public string Task { get; init; } = "synthetic";

    /// <summary>W: simulated data-parallel workers.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>σ: the nominal skipped-backward fraction of the canonical staggered depths.</summary>
    public double Sigma { get; init; }

    /// <summary>c_min: the fewest workers computing each block's gradient.</summary>
    public int MinContributors { get; init; } = 1;

    /// <summary>b: samples per worker per iteration.</summary>
    public int BatchPerWorker { get; init; } = 32;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>SGD step size.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Rotate depths across workers every iteration: each worker's data reaches the lower blocks.</summary>
    public bool Rotate { get; init; } = true;

    /// <summary>K: every K-th iteration runs at σ = 0 (full sync); 0 never.</summary>
    public int FullSyncPeriod { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="BadInputException">A setting out of range, named.</exception>
    public void Validate()
    {
        SpbConfig.CheckSigma(Sigma);
        if (!SpbNetworks.Names.Contains(Model))
            throw new BadInputException($"unknown model '{Model}'; known: {string.Join(", ", SpbNetworks.Names)}",
                "model");
        if (!SpbTask.Names.Contains(Task))
            throw new BadInputException($"unknown task '{Task}'; known: {string.Join(", ", SpbTask.Names)}", "task");
        if (Workers is < 1 or > 64) throw new BadInputException($"workers must be 1 to 64; got {Workers}", "workers");
        if (MinContributors < 1 || MinContributors > Workers)
            throw new BadInputException($"c_min must be from 1 to the {Workers} workers; got {MinContributors}",
                "minimum contributors");
        if (BatchPerWorker is < 1 or > 4096)
            throw new BadInputException($"the batch per worker must be 1 to 4096; got {BatchPerWorker}", "batch");
        if (Epochs is < 1 or > 1000) throw new BadInputException($"epochs must be 1 to 1000; got {Epochs}", "epochs");
        if (!(LearningRate is > 0 and <= 10))
            throw new BadInputException($"the learning rate must be in (0, 10]; got {LearningRate}", "learning rate");
        if (!(Momentum is >= 0 and < 1))
            throw new BadInputException($"momentum must be in [0, 1); got {Momentum}", "momentum");
        if (FullSyncPeriod < 0)
            throw new BadInputException($"the full-sync period must be 0 or more; got {FullSyncPeriod}",
                "full-sync period");
    }
}

/// <summary>What one SPB training run measured.</summary>
/// <param name="Options">The settings.</param>
/// <param name="Task">The task's description.</param>
/// <param name="Depths">The canonical depths (before rotation).</param>
/// <param name="RealisedSigma">σ of those depths.</param>
/// <param name="Iterations">Synchronous iterations run.</param>
/// <param name="TestAccuracy">Accuracy on the test set after the last epoch.</param>
/// <param name="BackwardFlops">Per worker: backward FLOPs counted from the gradients autograd computed.</param>
/// <param name="SavedActivationBytes">Per worker: bytes of tensors kept for backward, summed over iterations.</param>
/// <param name="AllReducedBytes">Bytes all ring all-reduces sent: Σ_i 2(n_i − 1)·P_i.</param>
/// <param name="Profile">The network as the SPB cost model reads it.</param>
public sealed record SpbTrainingResult(SpbTrainingOptions Options, string Task, IReadOnlyList<int> Depths,
    double RealisedSigma, long Iterations, double TestAccuracy, IReadOnlyList<double> BackwardFlops,
    IReadOnlyList<double> SavedActivationBytes, double AllReducedBytes, ModelProfile Profile);

/// <summary>
/// Synchronous data-parallel training with structured partial backpropagation, W workers simulated in one
/// process. Each iteration takes W·b samples; worker w runs the forward pass of every block (the blocks below
/// its depth without autograd, so nothing is kept for them) and backpropagates through its top d_w blocks only;
/// each block's gradient is the mean over exactly the workers that computed it (sum in worker order, then divided
/// by n_i); SGD with momentum steps once. All replicas of synchronous data-parallel training hold the same
/// weights, so one copy of them serves the W simulated workers.
/// </summary>
public static class SpbTrainer
{
    /// <summary>Trains and evaluates; deterministic for a seed.</summary>
    /// <exception cref="BadInputException">A setting out of range, or the task's data missing.</exception>
    public static SpbTrainingResult Train(SpbTrainingOptions options, SeedTree seeds,
        IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        DeterministicTorch.Configure(seeds);
        using var task = SpbTask.Load(options.Task, seeds);
        var recorder = new ActivationRecorder();
        var blocks = SpbNetworks.Build(options.Model, task.Features, task.Classes, recorder);
        try
        {
            var run = new Run(blocks, recorder, options);
            using var shuffle = DeterministicTorch.Generator(seeds, "shuffle");
            var n = task.TrainX.shape[0];
            var global = options.Workers * options.BatchPerWorker;
            var steps = n / global;
            if (steps == 0)
                throw new BadInputException(
                    $"{options.Workers} workers × {options.BatchPerWorker} samples exceed the {n} training samples",
                    "batch");
            for (var epoch = 0; epoch < options.Epochs; epoch++)
            {
                using var order = randperm(n, generator: shuffle);
                for (var s = 0; s < steps; s++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var batch = order.narrow(0, s * global, global);
                    run.Step(task.TrainX.index_select(0, batch), task.TrainY.index_select(0, batch));
                    progress?.Report((epoch + (s + 1.0) / steps) / options.Epochs);
                }
            }
            var accuracy = Accuracy(blocks, task.TestX, task.TestY);
            var config = run.Config(0);
            return new SpbTrainingResult(options, task.Name, config.Depths, config.Sigma, run.Iterations, accuracy,
                run.BackwardFlops, run.SavedBytes, run.AllReducedBytes, run.Profile());
        }
        finally
        {
            foreach (var block in blocks) block.Dispose();
        }
    }

    private static double Accuracy(List<SpbBlock> blocks, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var block in blocks) x = block.call(x);
        return x.argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>The training state: the blocks, the momentum buffers and the counters.</summary>
    internal sealed class Run(List<SpbBlock> blocks, ActivationRecorder recorder, SpbTrainingOptions options)
    {
        private readonly Dictionary<TorchSharp.Modules.Parameter, Tensor> _momentum = [];
        private readonly double[] _flops = new double[options.Workers];
        private readonly double[] _saved = new double[options.Workers];

        public long Iterations { get; private set; }
        public IReadOnlyList<double> BackwardFlops => _flops;
        public IReadOnlyList<double> SavedBytes => _saved;
        public double AllReducedBytes { get; private set; }

        /// <summary>The depths of iteration <paramref name="t"/> (σ = 0 on full-sync iterations).</summary>
        public SpbConfig Config(long t)
        {
            var full = options.FullSyncPeriod > 0 && t % options.FullSyncPeriod == 0;
            return SpbConfig.Canonical(options.Workers, blocks.Count, full ? 0 : options.Sigma,
                options.MinContributors);
        }

        public ModelProfile Profile() => new(options.Model, 1, 0, [.. blocks.Select(b => b.Profile())]);

        /// <summary>One synchronous iteration on <paramref name="x"/>: W·b samples, worker w's the w-th b.</summary>
        public void Step(Tensor x, Tensor y)
        {
            var grads = Gradients(x, y, Config(Iterations));
            using (no_grad())
                foreach (var (parameter, gradient) in grads)
                {
                    if (!_momentum.TryGetValue(parameter, out var velocity))
                        _momentum[parameter] = velocity = zeros_like(gradient).DetachFromDisposeScope();
                    velocity.mul_(options.Momentum).add_(gradient);
                    parameter.sub_(velocity * options.LearningRate);
                }
            Iterations++;
        }

        /// <summary>
        /// Each worker's forward and partial backward, then every parameter's gradient averaged over the workers
        /// that computed it. Parameters no worker reached (none, when every block is covered) are left out.
        /// </summary>
        public List<(TorchSharp.Modules.Parameter Parameter, Tensor Gradient)> Gradients(Tensor x, Tensor y,
            SpbConfig config)
        {
            var b = options.BatchPerWorker;
            var perWorker = new List<Dictionary<TorchSharp.Modules.Parameter, Tensor>>();
            for (var w = 0; w < options.Workers; w++)
            {
                var depth = config.Depths[options.Rotate ? (int)((w + Iterations) % options.Workers) : w];
                perWorker.Add(Worker(w, depth, x.narrow(0, w * b, b), y.narrow(0, w * b, b)));
            }
            var result = new List<(TorchSharp.Modules.Parameter, Tensor)>();
            foreach (var block in blocks)
                foreach (var parameter in block.parameters())
                {
                    Tensor? sum = null;
                    var contributors = 0;
                    foreach (var worker in perWorker)
                        if (worker.TryGetValue(parameter, out var g))
                        {
                            sum = sum is null ? g.clone() : sum.add_(g);
                            contributors++;
                        }
                    if (sum is null) continue;
                    AllReducedBytes += 2.0 * (contributors - 1) * parameter.NumberOfElements * parameter.ElementSize;
                    result.Add((parameter, sum.div_(contributors)));
                }
            return result;
        }

        private Dictionary<TorchSharp.Modules.Parameter, Tensor> Worker(int w, int depth, Tensor x, Tensor y)
        {
            var cut = blocks.Count - depth;
            recorder.Reset();
            using (no_grad())
                for (var i = 0; i < cut; i++) x = blocks[i].call(x);
            x = x.detach();
            var inputs = new List<Tensor>();
            for (var i = cut; i < blocks.Count; i++)
            {
                if (i > cut) x.retain_grad();
                inputs.Add(x);
                x = blocks[i].call(x);
            }
            _saved[w] += recorder.Bytes;
            nn.functional.cross_entropy(x, y).backward();

            var grads = new Dictionary<TorchSharp.Modules.Parameter, Tensor>();
            var samples = x.shape[0];
            for (var i = cut; i < blocks.Count; i++)
            {
                var computed = false;
                foreach (var parameter in blocks[i].parameters())
                    if (parameter.grad is { } g)
                    {
                        grads[parameter] = g.clone();
                        computed = true;
                    }
                if (computed) _flops[w] += samples * blocks[i].Flops;
                if (inputs[i - cut].grad is not null) _flops[w] += samples * blocks[i].Flops;
            }
            foreach (var block in blocks) block.zero_grad();
            return grads;
        }
    }
}
