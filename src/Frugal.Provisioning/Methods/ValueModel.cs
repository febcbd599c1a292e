using System.IO.Compression;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Provisioning.Chains;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Frugal.Provisioning.Methods;

/// <summary>The learned value models: a random forest (ML.NET FastForest) and gradient-boosted trees (ML.NET
/// LightGbm).</summary>
public enum ValueModelKind
{
    /// <summary>A random forest (ML.NET FastForest).</summary>
    Forest,
    /// <summary>Gradient-boosted trees (ML.NET LightGbm).</summary>
    Gbt,
}

/// <summary>The value models' names as results and the command line spell them.</summary>
public static class ValueModelKinds
{
    /// <summary>The model's name: "forest" or "gbt".</summary>
    public static string Name(this ValueModelKind kind) => kind switch
    {
        ValueModelKind.Forest => "forest",
        ValueModelKind.Gbt => "gbt",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The model named <paramref name="name"/> ("forest" or "gbt", exact case); false for others.</summary>
    public static bool TryParse(string name, out ValueModelKind kind)
    {
        foreach (var k in Enum.GetValues<ValueModelKind>())
            if (k.Name() == name)
            {
                kind = k;
                return true;
            }
        kind = default;
        return false;
    }
}

/// <summary>Training settings; the defaults follow the brief (100 trees) with leaves sized for a few thousand
/// rows.</summary>
public sealed record ValueModelOptions
{
    /// <summary>Trees in the ensemble.</summary>
    public int Trees { get; init; } = 100;
    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 20;
    /// <summary>The fewest training rows a leaf may hold (lowered for small training sets).</summary>
    public int MinimumExamplesPerLeaf { get; init; } = 10;
    /// <summary>Boosting's learning rate (gradient-boosted trees only).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Fraction of the training rows held out to report the fit (Mirage's random 80/20 split).</summary>
    public double HoldOutFraction { get; init; } = 0.2;

    /// <summary>The most trees (or boosting iterations) a model may have.</summary>
    public const int MaxTrees = 10_000;

    /// <summary>The name messages give <see cref="Trees"/>.</summary>
    public const string TreesSetting = "trees";

    /// <exception cref="BadInputException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Trees is < 1 or > MaxTrees)
            throw new BadInputException($"{TreesSetting}: {Trees} is not between 1 and {MaxTrees:N0}", TreesSetting);
        if (Leaves < 2 || MinimumExamplesPerLeaf < 1 || !(LearningRate > 0) || !double.IsFinite(LearningRate)
            || !(HoldOutFraction > 0 && HoldOutFraction < 1))
            throw new BadInputException(
                "value-model leaves, examples per leaf, learning rate or hold-out fraction out of range");
    }
}

/// <summary>How well a trained model predicts held-out gaps (hours).</summary>
public sealed record ModelFit(int TrainingRows, int HeldOutRows, double HeldOutMeanAbsoluteErrorHours,
    double HeldOutRSquared);

/// <summary>
/// A regression from Mirage's 6048-number state to the gap (hours) of submitting the successor
/// now. Saved as ML.NET's model archive with one extra entry naming the kind, so a file cannot be
/// loaded as the wrong method.
/// </summary>
public sealed class ValueModel
{
    private const string KindEntry = "frugal-value-model-kind.txt";

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _schema;
    private readonly ThreadLocal<PredictionEngine<Row, Prediction>> _engines;

    private ValueModel(ValueModelKind kind, MLContext ml, ITransformer model, DataViewSchema schema, ModelFit? fit)
    {
        Kind = kind;
        _ml = ml;
        _model = model;
        _schema = schema;
        Fit = fit;
        // A prediction engine is not thread-safe; evaluation runs samples in parallel.
        _engines = new ThreadLocal<PredictionEngine<Row,
            Prediction>>(() => _ml.Model.CreatePredictionEngine<Row, Prediction>(_model, _schema));
    }

    /// <summary>Which learner the model was trained with.</summary>
    public ValueModelKind Kind { get; }

    /// <summary>The held-out fit measured at training; null for a loaded model.</summary>
    public ModelFit? Fit { get; }

    /// <summary>The fewest probe rows a model is trained on.</summary>
    public const int MinRows = 10;

    /// <summary>Trains a model of <paramref name="kind"/> on <paramref name="samples"/>, single-threaded, so the same
    /// seed gives the same model.</summary>
    /// <exception cref="BadInputException">Too few samples, or options out of range.</exception>
    /// <exception cref="ArgumentException">Samples of the wrong width (a programming error).</exception>
    public static ValueModel Train(ValueModelKind kind, IReadOnlyList<ProbeSample> samples, int seed,
        ValueModelOptions? options = null)
    {
        options ??= new ValueModelOptions();
        options.Validate();
        if (samples.Count < MinRows)
            throw new BadInputException(
                $"training needs at least {MinRows} probe rows, not {samples.Count}; " +
                $"raise the {TimeSplit.MaxSamplesSetting} setting or use a longer trace",
                TimeSplit.MaxSamplesSetting);
        if (samples.Any(s => s.Features.Length != SnapshotFeatures.Length))
            throw new ArgumentException($"every sample needs {SnapshotFeatures.Length} features.");
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(
            samples.Select(s => new Row { Features = s.Features, Label = s.LabelHours }));
        var split = ml.Data.TrainTestSplit(data, options.HoldOutFraction, seed: seed);
        var minLeaf = Math.Max(1, Math.Min(options.MinimumExamplesPerLeaf, samples.Count / 10));
        // One thread each, so that the same seed gives the same model.
        IEstimator<ITransformer> trainer = kind switch
        {
            ValueModelKind.Forest => ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options
            {
                NumberOfTrees = options.Trees, NumberOfLeaves = options.Leaves, MinimumExampleCountPerLeaf = minLeaf,
                NumberOfThreads = 1, Seed = seed,
            }),
            ValueModelKind.Gbt => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                NumberOfIterations = options.Trees, NumberOfLeaves = options.Leaves, MinimumExampleCountPerLeaf =
                    minLeaf, LearningRate = options.LearningRate,
                NumberOfThreads = 1, Seed = seed, Verbose = false, Silent = true,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var model = trainer.Fit(split.TrainSet);
        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet));
        var fit = new ModelFit(CountRows(split.TrainSet), CountRows(split.TestSet), metrics.MeanAbsoluteError,
            metrics.RSquared);
        return new ValueModel(kind, ml, model, data.Schema, fit);
    }

    /// <summary>The predicted gap, in hours, of submitting now in state <paramref name="features"/>.</summary>
    public float Predict(float[] features) => _engines.Value!.Predict(new Row { Features = features }).Score;

    /// <summary>Writes the model to <paramref name="path"/> (atomically).</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, ToBytes());

    /// <summary>The model archive: ML.NET's model plus an entry naming the kind.</summary>
    internal byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        _ml.Model.Save(_model, _schema, buffer);
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry(KindEntry).Open());
            writer.Write(Kind.Name());
        }
        return buffer.ToArray();
    }

    /// <summary>The model saved at <paramref name="path"/>.</summary>
    /// <exception cref="BadInputException">The file is missing, not a regular file of bounded size, or not a value
    /// model.</exception>
    /// <exception cref="CorruptDataException">The file is a value model archive whose contents are damaged.</exception>
    public static ValueModel Load(string path, int seed = 0) => FromBytes(ModelFile.Read(path), path, seed);

    /// <summary>The model in <paramref name="bytes"/> (<paramref name="source"/> names them in messages).</summary>
    /// <exception cref="BadInputException">The bytes are not a value model archive.</exception>
    /// <exception cref="CorruptDataException">They are one, but its contents are damaged.</exception>
    internal static ValueModel FromBytes(byte[] bytes, string source, int seed = 0)
    {
        var kind = ModelFile.Open(bytes, source, archive =>
        {
            var entry = archive.GetEntry(KindEntry)
                        ?? throw new BadInputException(
                            $"model file '{source}' has no '{KindEntry}': it is not a value model");
            var name = ModelFile.Text(entry, source).Trim();
            return ValueModelKinds.TryParse(name, out var k)
                ? k
                : throw new BadInputException($"model file '{source}' names an unknown kind '{name}'");
        });
        var ml = new MLContext(seed);
        return ModelFile.Damaged(source, () =>
        {
            var transformer = ml.Model.Load(new MemoryStream(bytes), out var schema);
            if (schema is null)
                throw new CorruptDataException($"model file '{source}' is damaged: it has no input schema");
            var model = new ValueModel(kind, ml, transformer, schema, fit: null);
            // One prediction builds the prediction engine now, so damage surfaces here rather than mid-run.
            model.Predict(new float[SnapshotFeatures.Length]);
            return model;
        });
    }

    private static int CountRows(IDataView data) =>
        (int)(data.GetRowCount() ?? data.GetColumn<float>("Label").LongCount());

    private sealed class Row
    {
        [VectorType(SnapshotFeatures.Length)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
