using Frugal.Core.Errors;

namespace Frugal.Provisioning.Methods;

/// <summary>What a method sees at a decision: the time, when the predecessor will end, the queue, and (on demand) Mirage's state vector.</summary>
public sealed class DecisionContext(long now, int tick, long predecessorEnd, Func<int, double> meanWaitOfLastStarted, Func<float[]> features)
{
    public long Now { get; } = now;

    /// <summary>Ten-minute ticks since the sample began, for methods that decide less often.</summary>
    public int Tick { get; } = tick;

    public long PredecessorEnd { get; } = predecessorEnd;

    /// <summary>The mean wait, in seconds, of the last <paramref name="count"/> jobs to start.</summary>
    public double MeanWaitOfLastStarted(int count) => meanWaitOfLastStarted(count);

    /// <summary>The 6048-number state (computed on each call: only the learned methods need it).</summary>
    public float[] Features() => features();
}

/// <summary>Decides, every 10 minutes while the predecessor runs, whether to submit the successor now.</summary>
public interface IProvisioningMethod
{
    string Name { get; }

    /// <summary>Submit the successor together with the predecessor, with an afterany dependency, instead of deciding.</summary>
    bool SubmitsWithDependency => false;

    bool ShouldSubmit(DecisionContext context);
}

/// <summary>Today's practice: submit one minute before the predecessor ends (the episode's fallback does it).</summary>
public sealed class ReactiveMethod : IProvisioningMethod
{
    public string Name => "reactive";
    public bool ShouldSubmit(DecisionContext context) => false;
}

/// <summary>Submit at once with <c>--dependency=afterany</c>: queued early, but ageing only from the predecessor's end.</summary>
public sealed class DependencyMethod : IProvisioningMethod
{
    public string Name => "dependency";
    public bool SubmitsWithDependency => true;
    public bool ShouldSubmit(DecisionContext context) => false;
}

/// <summary>Submit when the predecessor's end, less a minute, is no further away than the mean wait of the last 100 jobs to start.</summary>
public sealed class AverageWaitMethod : IProvisioningMethod
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
public sealed class ValueModelMethod(ValueModel model) : IProvisioningMethod
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

/// <summary>A method name that the catalogue does not know.</summary>
public sealed class UnknownMethodException(string name)
    : BadInputException($"unknown method '{name}'; known methods: {string.Join(", ", MethodCatalog.Names)}.");

/// <summary>The provisioning methods by name.</summary>
public static class MethodCatalog
{
    public static readonly string[] Baselines = ["reactive", "dependency", "avg-wait"];

    public const string PolicyGradient = "pg";

    public static IEnumerable<string> Names => Baselines.Concat(Enum.GetValues<ValueModelKind>().Select(k => k.Name())).Append(PolicyGradient);

    /// <summary>Whether the method needs a trained model.</summary>
    public static bool IsLearned(string name) => ValueModelKinds.TryParse(name, out _) || name == PolicyGradient;

    /// <exception cref="UnknownMethodException">No method has that name.</exception>
    /// <exception cref="ArgumentException">A learned method without its model, or with a model of another kind.</exception>
    public static IProvisioningMethod Create(string name, ValueModel? model = null, PolicyModel? policy = null)
    {
        switch (name)
        {
            case "reactive": return new ReactiveMethod();
            case "dependency": return new DependencyMethod();
            case "avg-wait": return new AverageWaitMethod();
            case PolicyGradient: return new PolicyGradientMethod(policy ?? throw new ArgumentException("method 'pg' needs a trained policy."));
        }
        if (!ValueModelKinds.TryParse(name, out var kind)) throw new UnknownMethodException(name);
        if (model is null) throw new ArgumentException($"method '{name}' needs a trained model.");
        if (model.Kind != kind) throw new ArgumentException($"method '{name}' was given a '{model.Kind.Name()}' model.");
        return new ValueModelMethod(model);
    }
}
