using Frugal.Graph.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Graph.Models;

/// <summary>
/// The DistMult decoder: score(s, r, o) = Σ_k e_s[k]·w_r[k]·e_o[k]. Each relation r has an inverse r + R with its
/// own vector, used to score the head side (predicting s from (r, o)). Relation vectors start at one (so the first
/// scores are plain dot products); node embeddings live outside the model, in the node store. Dropout on the relation
/// vectors applies to the training losses only.
/// </summary>
internal sealed class DistMult : nn.Module
{
    /// <param name="relations">R, the relations without their inverses.</param>
    /// <param name="dimension">d.</param>
    /// <param name="relationDropout">Dropout on the relation vectors in the training losses.</param>
    public DistMult(int relations, int dimension, double relationDropout = 0) : base(nameof(DistMult))
    {
        Relations = relations;
        _inverse = relations.ToScalar();
        _relationDropout = relationDropout;
        Weights = nn.Parameter(ones(2 * relations, dimension));
        RegisterComponents();
    }

    public int Relations { get; }

    // The offset of the inverse relations, held by the model (see Scalars).
    private readonly Scalar _inverse;
    private readonly double _relationDropout;

    public Parameter Weights { get; }

    /// <summary>
    /// The softmax loss of a chunk: for each positive (s, r, o) the logits [score(s,r,o), score(s,r,n) for the
    /// chunk's negatives n], cross-entropy against the positive, summed; the same for the inverse direction with
    /// the heads' negatives.
    /// </summary>
    public Tensor Loss(Tensor source, Tensor relation, Tensor destination, Tensor tailNegatives, Tensor headNegatives)
    {
        var forward = source * TrainingRelations(relation);
        var backward = destination * TrainingRelations(relation.add(_inverse, Scalars.One));
        return Softmax(forward, destination, tailNegatives).add(Softmax(backward, source, headNegatives), Scalars.One);
    }

    /// <summary>
    /// The 1-vs-all loss (LibKGE's 1vsAll): for each positive, the logits of (s, r, every candidate), cross-entropy
    /// against the true tail, summed; the same for the head through the inverse relation. The positives' endpoints
    /// are rows of the candidates: <paramref name="source"/> and <paramref name="destination"/> index them.
    /// </summary>
    public Tensor LossAll(Tensor candidates, Tensor source, Tensor relation, Tensor destination)
    {
        var forward = (candidates.index_select(0, source) * TrainingRelations(relation)).matmul(candidates.t());
        var backward = (candidates.index_select(0, destination)
            * TrainingRelations(relation.add(_inverse, Scalars.One))).matmul(candidates.t());
        return nn.functional.cross_entropy(forward, destination, reduction: nn.Reduction.Sum).add(
            nn.functional.cross_entropy(backward, source, reduction: nn.Reduction.Sum), Scalars.One);
    }

    /// <summary>Σ over the rows of ‖e_s‖ₚᵖ + ‖w_r‖ₚᵖ + ‖e_o‖ₚᵖ (both directions' relation vectors), unweighted.
    /// </summary>
    public Tensor Penalty(Regularizer regularizer, Tensor source, Tensor relation, Tensor destination)
    {
        Tensor Norm(Tensor x) => regularizer == Regularizer.L2
            ? x.pow(Scalars.Two).sum()
            : x.abs().pow(Scalars.Three).sum();
        var relations = cat([Weights.index_select(0, relation),
            Weights.index_select(0, relation.add(_inverse, Scalars.One))], 0);
        return Norm(source).add(Norm(relations), Scalars.One).add(Norm(destination), Scalars.One);
    }

    // Relation vectors as the training losses see them: with dropout when it is set (none draws no random numbers,
    // so runs without it are unchanged).
    private Tensor TrainingRelations(Tensor relation)
    {
        var vectors = Weights.index_select(0, relation);
        return _relationDropout > 0 ? nn.functional.dropout(vectors, _relationDropout) : vectors;
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
