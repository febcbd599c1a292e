using Frugal.Compression.Codecs;
using Frugal.Core.Errors;

namespace Frugal.Compression.Model;

/// <summary>
/// Where and when a model compresses (design §3 and §6.2): the codec, on pipeline sends from a first stage on, on
/// tensor-parallel reductions from a start layer on, not during the first warm-up steps, and optionally not at
/// inference.
/// </summary>
/// <param name="Codec">The codec and its parameter.</param>
/// <param name="Pipeline">Compress pipeline sends.</param>
/// <param name="PipelineStartStage">The first stage whose send is compressed (0: every send).</param>
/// <param name="TensorParallel">Compress tensor-parallel reductions.</param>
/// <param name="TensorStartLayer">The first layer (0-based) whose reductions are compressed; null: the later half,
/// layer ⌊L/2⌋ on.</param>
/// <param name="WarmupSteps">Steps trained uncompressed before compression starts.</param>
/// <param name="AtInference">Keep compressing when the model is evaluated.</param>
public sealed record CompressionPlan(CodecSettings Codec, bool Pipeline = true, int PipelineStartStage = 0,
    bool TensorParallel = true, int? TensorStartLayer = null, int WarmupSteps = 0, bool AtInference = true)
{
    /// <summary>No compression anywhere.</summary>
    public static CompressionPlan None { get; } = new(new CodecSettings("none"));

    /// <summary>Whether the plan compresses anything at all.</summary>
    public bool Compresses => CodecCatalog.Catalog.Canonical(Codec.Method) != "none" && (Pipeline || TensorParallel);

    /// <summary>The first compressed layer of a model of <paramref name="layers"/> layers.</summary>
    public int StartLayer(int layers) => TensorStartLayer ?? layers / 2;

    /// <summary>Checks the plan against a model of <paramref name="layers"/> layers.</summary>
    /// <exception cref="BadInputException">A negative start or warm-up, or a codec setting out of range.</exception>
    public void Check(int layers)
    {
        Codec.Check();
        if (PipelineStartStage < 0) throw new BadInputException("the first compressed stage cannot be negative",
            "pipeline start stage");
        if (TensorStartLayer is < 0 || TensorStartLayer > layers)
            throw new BadInputException($"the first compressed layer must lie in [0, {layers}]", "start layer");
        if (WarmupSteps < 0) throw new BadInputException("warm-up steps cannot be negative", "warm-up");
    }
}
