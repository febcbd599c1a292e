using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Scheduling.Iteration;

/// <summary>One block of a model, as the SPB cost model sees it (per sample unless noted).</summary>
/// <param name="Name">The block's name, e.g. <c>layer3</c>.</param>
/// <param name="GradientBytes">P_i: the bytes of its gradient, all-reduced once per iteration (not per sample).</param>
/// <param name="ForwardFlops">F_i: forward FLOPs.</param>
/// <param name="WeightGradientFlops">Bw_i: FLOPs of its weight gradient.</param>
/// <param name="InputGradientFlops">Ba_i: FLOPs of the gradient of its input.</param>
/// <param name="ActivationBytes">A_i: bytes of the tensors kept for its backward pass.</param>
public sealed record BlockProfile(string Name, double GradientBytes, double ForwardFlops, double WeightGradientFlops,
    double InputGradientFlops, double ActivationBytes);

/// <summary>A model as blocks from the input (first) to the output (last), with its static memory terms.</summary>
/// <param name="Name">The model, as job types name it (e.g. <c>ResNet-50</c>).</param>
/// <param name="OptimizerStates">Tensors of the parameters' size the optimiser keeps (Adam: 2).</param>
/// <param name="WorkspaceBytes">The framework's fixed workspace per worker.</param>
/// <param name="Blocks">The blocks, input first.</param>
public sealed record ModelProfile(string Name, int OptimizerStates, double WorkspaceBytes,
    IReadOnlyList<BlockProfile> Blocks)
{
    /// <summary>L: the number of blocks.</summary>
    public int Depth => Blocks.Count;

    /// <summary>
    /// M0: weights, gradients and optimiser state (4 bytes a parameter each) and the workspace.
    /// </summary>
    public double StaticBytes => Blocks.Sum(b => b.GradientBytes) * (2 + OptimizerStates) + WorkspaceBytes;
}

/// <summary>
/// The SPB profiles of a set of models, read from a versioned JSON file (data/jigsaw/spb_profiles.json; its README
/// gives the formulas).
/// </summary>
public sealed class SpbProfiles
{
    /// <summary>The profile file in data/jigsaw.</summary>
    public const string DefaultFile = "spb_profiles.json";

    /// <summary>The file version this reader understands.</summary>
    public const int Version = 1;

    private readonly Dictionary<string, ModelProfile> _models;

    private SpbProfiles(Dictionary<string, ModelProfile> models, string source)
    {
        _models = models;
        Source = source;
    }

    /// <summary>Where the profiles came from.</summary>
    public string Source { get; }

    /// <summary>The models, in file order.</summary>
    public IReadOnlyCollection<ModelProfile> Models => _models.Values;

    /// <summary>The profile of <paramref name="model"/>.</summary>
    /// <exception cref="BadInputException">No profile for the model.</exception>
    public ModelProfile For(string model) => _models.TryGetValue(model, out var profile) ? profile
        : throw new BadInputException(
            $"{Source}: no SPB profile for model '{model}'; it has {string.Join(", ", _models.Keys)}");

    /// <summary>The repository's profiles (data/jigsaw/spb_profiles.json).</summary>
    /// <exception cref="BadInputException">The reference data is missing or malformed.</exception>
    public static SpbProfiles Default() => Read(Path.Combine(ReferenceData.Require("jigsaw"), DefaultFile));

    /// <summary>Reads a profile file.</summary>
    /// <exception cref="BadInputException">Unreadable or malformed; one line naming file, model and field.</exception>
    public static SpbProfiles Read(string path) =>
        Parse(InputFile.ReadAllText(path, "SPB profile file", 16L << 20), Path.GetFileName(path));

    /// <summary>Parses the profile format (see data/jigsaw/README.md).</summary>
    /// <exception cref="BadInputException">Malformed; the message names source, model and field.</exception>
    public static SpbProfiles Parse(string json, string source)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new BadInputException($"{source}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new BadInputException($"{source}: expected an object with 'version' and 'models'");
            var version = Number(root, "version", source);
            if (version != Version)
                throw new BadInputException(
                    $"{source}: version {Invariant.Text(version)}; this reader knows {Version}");
            if (!root.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Array)
                throw new BadInputException($"{source}: missing field 'models' (an array)");
            var result = new Dictionary<string, ModelProfile>(StringComparer.Ordinal);
            var index = 0;
            foreach (var model in models.EnumerateArray())
            {
                var where = $"{source}: model {index++}";
                var name = Text(model, "name", where);
                where = $"{source}: model '{name}'";
                var profile = new ModelProfile(name, (int)Number(model, "optimizerStates", where),
                    Number(model, "workspaceBytes", where), Blocks(model, where));
                if (!result.TryAdd(name, profile)) throw new BadInputException($"{where}: appears twice");
            }
            if (result.Count == 0) throw new BadInputException($"{source}: no models");
            return new SpbProfiles(result, source);
        }
    }

    private static BlockProfile[] Blocks(JsonElement model, string where)
    {
        if (!model.TryGetProperty("blocks", out var blocks) || blocks.ValueKind != JsonValueKind.Array
            || blocks.GetArrayLength() == 0)
            throw new BadInputException($"{where}: missing field 'blocks' (a non-empty array)");
        return blocks.EnumerateArray().Select((b, i) =>
        {
            var at = $"{where}: block {i}";
            return new BlockProfile(Text(b, "name", at), Number(b, "gradientBytes", at),
                Number(b, "forwardFlops", at),
                Number(b, "weightGradientFlops", at), Number(b, "inputGradientFlops", at),
                Number(b, "activationBytes", at));
        }).ToArray();
    }

    private static string Text(JsonElement element, string field, string where) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out var value)
            && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new BadInputException($"{where}: missing field '{field}' (a non-empty string)");

    private static double Number(JsonElement element, string field, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(field, out var value))
            throw new BadInputException($"{where}: missing field '{field}'");
        if (value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()) || value.GetDouble() < 0)
            throw new BadInputException($"{where}: field '{field}': '{value}' is not a non-negative number");
        return value.GetDouble();
    }
}
