using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Graph.Models;

/// <summary>
/// The DistMult decoder: score(s, r, o) = Σ_k e_s[k]·w_r[k]·e_o[k]. Each relation r has an inverse r + R with its
/// own vector, used to score the head side (predicting s from (r, o)). Relation vectors start at one (so the first
/// scores are plain dot products); node embeddings live outside the model, in the node store.
/// </summary>
internal sealed class DistMult : nn.Module
{
    public DistMult(int relations, int dimension) : base(nameof(DistMult))
    {
        Relations = relations;
        _inverse = relations.ToScalar();
        Weights = nn.Parameter(ones(2 * relations, dimension));
        RegisterComponents();
    }

    public int Relations { get; }

    // The offset of the inverse relations, held by the model (see Scalars).
    private readonly Scalar _inverse;

    public Parameter Weights { get; }

    /// <summary>
    /// The softmax loss of a chunk: for each positive (s, r, o) the logits [score(s,r,o), score(s,r,n) for the
    /// chunk's negatives n], cross-entropy against the positive, summed; the same for the inverse direction with
    /// the heads' negatives.
    /// </summary>
    public Tensor Loss(Tensor source, Tensor relation, Tensor destination, Tensor tailNegatives, Tensor headNegatives)
    {
        var forward = source * Weights.index_select(0, relation);
        var backward = destination * Weights.index_select(0, relation.add(_inverse, Scalars.One));
        return Softmax(forward, destination, tailNegatives).add(Softmax(backward, source, headNegatives), Scalars.One);
    }

    private static Tensor Softmax(Tensor query, Tensor positive, Tensor negatives)
    {
        var pos = (query * positive).sum(1, keepdim: true);
        var neg = query.matmul(negatives.t());
        var logits = cat([pos, neg], 1);
        return nn.functional.cross_entropy(logits, zeros(logits.shape[0], ScalarType.Int64), reduction:
            nn.Reduction.Sum);
    }

    /// <summary>score(s, r, o) of each row: [rows].</summary>
    public Tensor ScoreTail(Tensor source, Tensor relation, Tensor destination) =>
        (source * Weights.index_select(0, relation) * destination).sum(1);

    /// <summary>The head side's score of each row, through the inverse relation: [rows].</summary>
    public Tensor ScoreHead(Tensor source, Tensor relation, Tensor destination) =>
        (destination * Weights.index_select(0, relation.add(_inverse, Scalars.One)) * source).sum(1);

    /// <summary>Scores of (s, r, every candidate) for each query row: [queries, candidates].</summary>
    public Tensor ScoreTails(Tensor source, Tensor relation, Tensor candidates) =>
        (source * Weights.index_select(0, relation)).matmul(candidates.t());

    /// <summary>Scores of (every candidate, r, o) through the inverse relation.</summary>
    public Tensor ScoreHeads(Tensor destination, Tensor relation, Tensor candidates) =>
        (destination * Weights.index_select(0, relation.add(_inverse, Scalars.One))).matmul(candidates.t());
}
