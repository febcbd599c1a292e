using Frugal.Core.Catalogs;
using Frugal.Core.Errors;

namespace Frugal.Provisioning.Methods;

/// <summary>What a method sees at a decision: the time, when the predecessor will end, the queue, and (on demand)
/// Mirage's state vector.</summary>
public sealed class DecisionContext(long now, int tick, long predecessorEnd, Func<int, double> meanWaitOfLastStarted,
    Func<float[]> features)
{
    /// <summary>The simulated time of the decision, in seconds on the trace's clock.</summary>
    public long Now { get; } = now;

    /// <summary>Ten-minute ticks since the sample began, for methods that decide less often.</summary>
    public int Tick { get; } = tick;

    /// <summary>When the predecessor will end, in seconds on the trace's clock.</summary>
    public long PredecessorEnd { get; } = predecessorEnd;

    /// <summary>The mean wait, in seconds, of the last <paramref name="count"/> jobs to start.</summary>
    public double MeanWaitOfLastStarted(int count) => meanWaitOfLastStarted(count);

    /// <summary>The 6048-number state (computed on each call: only the learned methods need it).</summary>
    public float[] Features() => features();
}

/// <summary>Decides, every 10 minutes while the predecessor runs, whether to submit the successor now.</summary>
public interface IProvisioningMethod
{
    /// <summary>The name the method goes by in results and on the command line.</summary>
    string Name { get; }

    /// <summary>Submit the successor together with the predecessor, with an afterany dependency, instead of
    /// deciding.</summary>
    bool SubmitsWithDependency => false;

    /// <summary>Whether to submit the successor at this decision.</summary>
    bool ShouldSubmit(DecisionContext context);
}

/// <summary>Today's practice: submit one minute before the predecessor ends (the episode's fallback does it).</summary>
internal sealed class ReactiveMethod : IProvisioningMethod
{
    public string Name => "reactive";
    public bool ShouldSubmit(DecisionContext context) => false;
}

/// <summary>Submit at once with <c>--dependency=afterany</c>: queued early, but ageing only from the predecessor's
/// end.</summary>
internal sealed class DependencyMethod : IProvisioningMethod
{
    public string Name => "dependency";
    public bool SubmitsWithDependency => true;
    public bool ShouldSubmit(DecisionContext context) => false;
}

/// <summary>Submit when the predecessor's end, less a minute, is no further away than the mean wait of the last 100
/// jobs to start.</summary>
internal sealed class AverageWaitMethod : IProvisioningMethod
{
    public const int RecentJobs = 100;

    public string Name => "avg-wait";

    public bool ShouldSubmit(DecisionContext context) =>
        context.Now >= context.PredecessorEnd - 60 - context.MeanWaitOfLastStarted(RecentJobs);
}

/// <summary>
/// Mirage's value-model rule: predict the gap (hours) of submitting now and submit at the first
/// decision where it lies in [−0.5, 500], i.e. at most half an hour of overlap is expected.
/// </summary>
internal sealed class ValueModelMethod(ValueModel model) : IProvisioningMethod
{
    public const double LowestGapHours = -0.5;
    public const double HighestGapHours = 500;

    public string Name => model.Kind.Name();

    public bool ShouldSubmit(DecisionContext context)
    {
        var predicted = model.Predict(context.Features());
        return predicted >= LowestGapHours && predicted <= HighestGapHours;
    }
}

/// <summary>The provisioning methods by name: the baselines, then the learned ones.</summary>
public static class MethodCatalog
{
    /// <summary>The name messages give the method a run uses.</summary>
    public const string Setting = "method";

    /// <summary>The policy-gradient method's name.</summary>
    public const string PolicyGradient = "pg";

    /// <summary>A method: whether it needs trained models, and how to make it from them.</summary>
    private sealed record Entry(bool IsLearned, Func<TrainedModels, IProvisioningMethod> Create);

    private static readonly Catalog<Entry> Methods = new Catalog<Entry>(Setting)
        .Add("reactive", new Entry(false, _ => new ReactiveMethod()), "submit one minute before the predecessor ends")
        .Add("dependency", new Entry(false, _ => new DependencyMethod()),
            "submit with the predecessor, with an afterany dependency")
        .Add("avg-wait", new Entry(false, _ => new AverageWaitMethod()),
            "submit when the recent mean wait covers the time left")
        .Add(ValueModelKind.Forest.Name(), ValueModelEntry(ValueModelKind.Forest),
            "a FastForest value model's predicted gap")
        .Add(ValueModelKind.Gbt.Name(), ValueModelEntry(ValueModelKind.Gbt), "a LightGbm value model's predicted gap")
        .Add(PolicyGradient, new Entry(true, m => new PolicyGradientMethod(m.RequirePolicy())),
            "a REINFORCE policy over the gbt model");

    private static Entry ValueModelEntry(ValueModelKind kind) => new(true, m => new ValueModelMethod(m.Require(kind)));

    /// <summary>Every method's name, in the catalogue's order.</summary>
    public static IReadOnlyList<string> Names => Methods.Names;

    /// <summary>The methods that need no training.</summary>
    public static IReadOnlyList<string> Baselines =>
        Methods.Entries.Where(e => !e.Entry.IsLearned).Select(e => e.Name).ToArray();

    /// <summary>Whether a method is called <paramref name="name"/> (any case).</summary>
    public static bool Contains(string name) => Methods.Contains(name);

    /// <summary>The method's own name for <paramref name="name"/> (any case).</summary>
    /// <exception cref="UnknownNameException">No method has that name.</exception>
    public static string Canonical(string name) => Methods.Canonical(name);

    /// <summary>The methods named in <paramref name="names"/>, by their own names.</summary>
    /// <exception cref="BadInputException">A name is unknown (<see cref="UnknownNameException"/>) or given twice, or
    /// none is.</exception>
    internal static IReadOnlyList<string> CanonicalAll(IReadOnlyCollection<string> names) =>
        Methods.GetAll(names).Select(e => e.Name).ToArray();

    /// <summary>Whether the method needs a trained model.</summary>
    /// <exception cref="UnknownNameException">No method has that name.</exception>
    public static bool IsLearned(string name) => Methods.Get(name).IsLearned;

    /// <summary>The method <paramref name="name"/>, reading the model it needs from
    /// <paramref name="models"/>.</summary>
    /// <exception cref="UnknownNameException">No method has that name.</exception>
    /// <exception cref="BadInputException">A learned method whose model is not among
    /// <paramref name="models"/>.</exception>
    public static IProvisioningMethod Create(string name, TrainedModels? models = null) =>
        Methods.Get(name).Create(models ?? TrainedModels.None);
}

/// <summary>Models trained (or loaded) for the learned methods, and the training rows they came from.</summary>
/// <param name="Models">The value models by kind.</param>
/// <param name="TrainingSamples">Sample starts probed to train them (0 for loaded models).</param>
/// <param name="TrainingRows">Probe rows they were trained on (0 for loaded models).</param>
public sealed record TrainedModels(
    IReadOnlyDictionary<ValueModelKind, ValueModel> Models, int TrainingSamples, int TrainingRows)
{
    /// <summary>The trained policy, for <c>pg</c>.</summary>
    public PolicyModel? Policy { get; init; }

    /// <summary>No models: enough for the baselines.</summary>
    public static TrainedModels None { get; } = new(new Dictionary<ValueModelKind, ValueModel>(), 0, 0);

    /// <summary>One value model.</summary>
    public static TrainedModels Of(ValueModel model) =>
        new(new Dictionary<ValueModelKind, ValueModel> { [model.Kind] = model }, 0, 0);

    /// <summary>The model <paramref name="method"/> needs, from the file <paramref name="path"/> that training saved;
    /// none for a baseline.</summary>
    /// <exception cref="UnknownNameException">No method has that name.</exception>
    /// <exception cref="BadInputException">The file is missing, not a model, or a model for another method.</exception>
    /// <exception cref="Core.Errors.CorruptDataException">The file is a model archive whose contents are
    /// damaged.</exception>
    public static TrainedModels Load(string method, string path)
    {
        var name = MethodCatalog.Canonical(method);
        if (!MethodCatalog.IsLearned(name)) return None;
        if (name == MethodCatalog.PolicyGradient) return None with { Policy = PolicyModel.Load(path) };
        var model = ValueModel.Load(path);
        if (model.Kind.Name() != name)
            throw new BadInputException(
                $"method '{name}' was given a '{model.Kind.Name()}' model ({path})", ModelSetting);
        return Of(model);
    }

    /// <summary>The name messages give the trained model a learned method reads.</summary>
    public const string ModelSetting = "model";

    internal ValueModel Require(ValueModelKind kind) =>
        Models.TryGetValue(kind, out var model)
            ? model
            : throw new BadInputException($"method '{kind.Name()}' needs a trained {kind.Name()} model", ModelSetting);

    internal PolicyModel RequirePolicy() =>
        Policy ?? throw new BadInputException(
            $"method '{MethodCatalog.PolicyGradient}' needs a trained policy", ModelSetting);
}
