using Frugal.Core.Errors;

namespace Frugal.Compression.Model;

/// <summary>
/// What the model predicts: the next token (perplexity) or a class from the first position (accuracy).
/// </summary>
public enum TransformerTask
{
    /// <summary>A causal language model; metric: perplexity.</summary>
    Language,

    /// <summary>A [CLS]-style classifier on position 0 with bidirectional attention; metric: accuracy.</summary>
    Classification,
}

/// <summary>
/// The shape of the pre-LN Transformer (design §6.1): defaults 8 layers, h = 256, 8 heads, FFN 4h, sequence 128.
/// </summary>
/// <param name="Layers">Transformer layers.</param>
/// <param name="Hidden">Hidden size h.</param>
/// <param name="Heads">Attention heads (h must divide by them).</param>
/// <param name="Sequence">Sequence length s.</param>
/// <param name="Vocabulary">Token vocabulary.</param>
/// <param name="Task">Language model or classifier.</param>
/// <param name="Classes">Classes of the classifier (ignored by the language model).</param>
public sealed record TransformerConfig(int Layers = 8, int Hidden = 256, int Heads = 8, int Sequence = 128,
    int Vocabulary = 64, TransformerTask Task = TransformerTask.Language, int Classes = 2)
{
    /// <summary>The feed-forward width, 4h.</summary>
    public int Ffn => 4 * Hidden;

    /// <summary>Outputs of the head: the vocabulary or the classes.</summary>
    public int Outputs => Task == TransformerTask.Language ? Vocabulary : Classes;

    /// <summary>Checks the shape against tensor-parallel degree <paramref name="t"/> and pipeline degree
    /// <paramref name="s"/>.</summary>
    /// <exception cref="BadInputException">A size below 1, heads not dividing h, T not dividing the heads, or more
    /// stages than layers.</exception>
    public void Check(int t = 1, int s = 1)
    {
        if (Layers < 1 || Hidden < 1 || Heads < 1 || Sequence < 1 || Vocabulary < 2 || Classes < 2)
            throw new BadInputException("the model needs at least one layer, hidden unit, head and position, " +
                                        "two tokens and two classes", "model");
        if (Hidden % Heads != 0)
            throw new BadInputException($"hidden size {Hidden} does not divide into {Heads} heads", "hidden");
        if (t < 1 || Heads % t != 0)
            throw new BadInputException($"tensor-parallel degree {t} must divide the {Heads} heads", "parallelism");
        if (s < 1 || s > Layers)
            throw new BadInputException($"pipeline degree {s} must lie in [1, {Layers}] (the layers)", "parallelism");
    }
}
