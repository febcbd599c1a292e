using Frugal.Learning.Data;
using Frugal.Learning.Metrics;

namespace Frugal.Learning.Tests;

/// <summary>Each metric against a value worked out by hand in the comment above it.</summary>
public class MetricsTests
{
    [Fact]
    public void Accuracy()
    {
        // Positions 0 and 2 agree: 2 of 4.
        Assert.Equal(0.5, Classification.Accuracy([1, 0, 2, 2], [1, 1, 2, 0]));
    }

    [Fact]
    public void AucWithoutTies()
    {
        // Pairs (positive, negative): 0.35 > 0.1 yes, 0.35 > 0.4 no, 0.8 > both yes: 3 of 4.
        Assert.Equal(0.75, Classification.Auc([0.1f, 0.4f, 0.35f, 0.8f], [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void AucCountsTiesAsHalf()
    {
        // Positives 0.5 and 0.9, negatives 0.5 and 0.5: 0.5 vs each negative ties (½ + ½), 0.9 wins twice: 3 of 4.
        Assert.Equal(0.75, Classification.Auc([0.5f, 0.5f, 0.5f, 0.9f], [0, 1, 0, 1]), 12);
        // A constant scorer: every pair ties.
        Assert.Equal(0.5, Classification.Auc([1f, 1f, 1f], [1, 0, 0]), 12);
        // Perfectly reversed.
        Assert.Equal(0.0, Classification.Auc([0.9f, 0.1f], [0, 1]), 12);
    }

    [Fact]
    public void AucNeedsBothClasses()
    {
        Assert.Throws<ArgumentException>(() => Classification.Auc([0.1f, 0.2f], [1, 1]));
        Assert.Throws<ArgumentException>(() => Classification.Auc([0.1f, 0.2f], [1, 2]));
    }

    [Fact]
    public void LogLoss()
    {
        // −(ln 0.75 + ln(1 − 0.5)) / 2 = (0.287682072 + 0.693147181) / 2 (both exact in float32).
        Assert.Equal(0.4904146265058631, Classification.LogLoss([0.75f, 0.5f], [1, 0]), 12);
        // A certain mistake is clipped at 1e-15: −ln(1e-15) = 34.538776.
        Assert.Equal(34.538776394910684, Classification.LogLoss([0f], [1]), 6);
    }

    [Fact]
    public void RawAndFilteredRanks()
    {
        float[] scores = [0.1f, 0.9f, 0.5f, 0.9f, 0.3f];
        // Target 2 (0.5): two candidates score higher.
        Assert.Equal(3, Ranking.Rank(scores, 2));
        // Filtered: candidate 1 is another true answer and is left out.
        Assert.Equal(2, Ranking.Rank(scores, 2, new HashSet<int> { 1, 2 }));
        // Target 1 (0.9) ties with candidate 3: between rank 1 and 2, so 1.5.
        Assert.Equal(1.5, Ranking.Rank(scores, 1));
        Assert.Equal(1, Ranking.Rank(scores, 1, new HashSet<int> { 3 }));
    }

    [Fact]
    public void MeanReciprocalRankAndHits()
    {
        double[] ranks = [1, 2, 4];
        // (1 + 1/2 + 1/4) / 3.
        Assert.Equal(0.5833333333, Ranking.MeanReciprocalRank(ranks), 9);
        Assert.Equal(1.0 / 3, Ranking.HitsAt(ranks, 1), 12);
        Assert.Equal(2.0 / 3, Ranking.HitsAt(ranks, 3), 12);
        Assert.Equal(1.0, Ranking.HitsAt(ranks, 10), 12);
        Assert.Equal(0.5, Ranking.HitsAt([1.5, 2.5], 2), 12);
    }

    [Fact]
    public void TheFilterKnowsEveryTrueTailAndHead()
    {
        var filter = new TripleFilter([new Triple(0, 0, 1), new Triple(0, 0, 2)], [new Triple(3, 0, 2)]);
        Assert.Equal([1, 2], filter.Tails(0, 0).Order());
        Assert.Equal([0, 3], filter.Heads(0, 2).Order());
        Assert.Empty(filter.Tails(1, 0));

        // Ranking tail 1 of (0, 0, ?) over 4 entities: tail 2 outscores it but is also true, so filtered rank 1.
        float[] scores = [0.2f, 0.5f, 0.8f, 0.1f];
        Assert.Equal(2, Ranking.Rank(scores, 1));
        Assert.Equal(1, Ranking.Rank(scores, 1, filter.Tails(0, 0)));
    }
}
