namespace Frugal.Scheduling.Workloads;

/// <summary>
/// A trainable model of the Shockwave/Gavel workload: its dataset size, the batch sizes it is
/// run with, the largest batch size it adapts to, and whether it runs on several GPUs.
/// </summary>
/// <param name="Name">The model as it appears in job types, e.g. <c>ResNet-18</c>.</param>
/// <param name="DatasetSize">Samples per epoch.</param>
/// <param name="BatchSizes">The batch sizes jobs start with (the trace generator's templates).</param>
/// <param name="MaxBatchSize">The batch size Accordion switches to and the cap of gradient-noise-scale scaling.</param>
/// <param name="Distributed">Whether the model trains on more than one GPU.</param>
/// <param name="CommandTemplate">The training command the trace records; {0} is the batch size, %s the data
/// folder.</param>
/// <param name="WorkingDirectory">Where the command runs, relative to the workloads folder.</param>
/// <param name="StepsArgument">The command-line flag that sets the number of steps.</param>
public sealed record ModelFamily(string Name, int DatasetSize, IReadOnlyList<int> BatchSizes, int MaxBatchSize,
    bool Distributed,
    string CommandTemplate, string WorkingDirectory, string StepsArgument)
{
    /// <summary>Image classification on CIFAR-10.</summary>
    public static readonly ModelFamily ResNet18 = new("ResNet-18", 50_000, [32, 64, 128, 256], 256, true,
        "python3 main.py --data_dir=%s/cifar10 --batch_size {0}", "image_classification/cifar10", "--num_steps");
    /// <summary>Image classification on ImageNet.</summary>
    public static readonly ModelFamily ResNet50 = new("ResNet-50", 100_000, [16, 32, 64], 128, true,
        "python3 main.py -j 4 -a resnet50 -b {0} %s/imagenet/", "image_classification/imagenet", "--num_minibatches");
    /// <summary>Translation on Multi30k.</summary>
    public static readonly ModelFamily Transformer = new("Transformer", 10_000, [16, 32, 64, 128], 128, true,
        "python3 train.py -data %s/translation/multi30k.atok.low.pt -batch_size {0} -proj_share_weight", "translation",
            "-step");
    /// <summary>Language modelling on WikiText-2.</summary>
    public static readonly ModelFamily LanguageModel = new("LM", 59_675, [5, 10, 20, 40, 80], 80, true,
        "python3 main.py --cuda --data %s/wikitext2 --batch_size {0}", "language_modeling", "--steps");
    /// <summary>Recommendation on MovieLens-20M (one GPU only).</summary>
    public static readonly ModelFamily Recommendation =
        new("Recommendation", 117_907, [512, 1024, 2048, 4096, 8192], 8192, false,
        "python3 train.py --data_dir %s/ml-20m/pro_sg/ --batch_size {0}", "recommendation", "-n");

    /// <summary>The training command a trace records for <paramref name="batchSize"/>.</summary>
    public string Command(int batchSize) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, CommandTemplate, batchSize);

    /// <summary>The five models of the workload.</summary>
    public static IReadOnlyList<ModelFamily> All { get; } =
        [ResNet18, ResNet50, Transformer, LanguageModel, Recommendation];

    /// <summary>The 21 (model, batch size) templates the trace generator draws from, uniformly.</summary>
    public static IReadOnlyList<JobType> Templates { get; } =
        [.. All.SelectMany(f => f.BatchSizes.Select(bs => new JobType(f, bs)))];

    /// <summary>
    /// The job type string used by traces and throughput files, e.g. <c>ResNet-18 (batch size 32)</c>.
    /// </summary>
    public string JobType(int batchSize) => $"{Name} (batch size {batchSize})";

    /// <summary>
    /// Training iterations in one epoch at <paramref name="batchSize"/> (the last batch may be partial).
    /// </summary>
    public int StepsPerEpoch(int batchSize) => (DatasetSize + batchSize - 1) / batchSize;
}

/// <summary>A parsed job type: the model and the batch size it starts with.</summary>
public readonly record struct JobType(ModelFamily Family, int BatchSize)
{
    /// <summary>The job type as traces write it, e.g. <c>ResNet-18 (batch size 32)</c>.</summary>
    public override string ToString() => Family.JobType(BatchSize);

    /// <summary>Parses <c>MODEL (batch size N)</c> for one of the known models.</summary>
    /// <exception cref="FormatException">Unknown model or malformed text; the message quotes it.</exception>
    public static JobType Parse(string text)
    {
        const string marker = " (batch size ";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0 || !text.EndsWith(')'))
            throw new FormatException($"'{text}' is not a job type of the form 'MODEL (batch size N)'.");
        var name = text[..at];
        var family = ModelFamily.All.FirstOrDefault(f => f.Name == name)
            ?? throw new FormatException(
                $"unknown model '{name}'; known: {string.Join(", ", ModelFamily.All.Select(f => f.Name))}.");
        var number = text[(at + marker.Length)..^1];
        if (!int.TryParse(number, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var batchSize) || batchSize <= 0)
            throw new FormatException($"'{number}' in '{text}' is not a positive batch size.");
        return new JobType(family, batchSize);
    }
}
