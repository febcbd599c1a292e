namespace Frugal.Learning.Metrics;

/// <summary>Metrics of a classifier's predictions, computed exactly on the host.</summary>
public static class Classification
{
    /// <summary>The fraction of <paramref name="predicted"/> classes equal to the <paramref name="actual"/>
    /// ones.</summary>
    public static double Accuracy(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual)
    {
        RequireSameLength(predicted.Length, actual.Length);
        var correct = 0;
        for (var i = 0; i < predicted.Length; i++)
            if (predicted[i] == actual[i]) correct++;
        return (double)correct / predicted.Length;
    }

    /// <summary>
    /// The area under the ROC curve of binary <paramref name="labels"/> (0 or 1) ranked by
    /// <paramref name="scores"/> (higher means more likely positive): the probability that a random
    /// positive outscores a random negative, a tie counting one half. Exact, by sorting
    /// (the Mann–Whitney U statistic over mid-ranks), in O(n log n).
    /// </summary>
    /// <exception cref="ArgumentException">A label is not 0 or 1, or one of the classes is absent.</exception>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels)
    {
        RequireSameLength(scores.Length, labels.Length);
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);

        long positives = 0;
        double positiveRankSum = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && keys[end + 1] == keys[start]) end++;
            // Ranks start..end (1-based start+1..end+1) are tied: each gets their mean.
            var midRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                var label = RequireBinary(labels[order[k]], order[k]);
                if (label == 1)
                {
                    positives++;
                    positiveRankSum += midRank;
                }
            }
            start = end + 1;
        }
        var negatives = order.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException("AUC needs at least one positive and one negative label.", nameof(labels));
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// The mean binary cross-entropy of <paramref name="probabilities"/> (of the positive class) against
    /// <paramref name="labels"/> (0 or 1), in nats; probabilities are clipped to
    /// [<paramref name="epsilon"/>, 1 − <paramref name="epsilon"/>] so a confident mistake costs a finite amount.
    /// </summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, double epsilon = 1e-15)
    {
        RequireSameLength(probabilities.Length, labels.Length);
        var sum = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp((double)probabilities[i], epsilon, 1 - epsilon);
            sum -= RequireBinary(labels[i], i) == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probabilities.Length;
    }

    private static int RequireBinary(int label, int index) =>
        label is 0 or 1
            ? label
            : throw new ArgumentException($"label {index} is {label}; binary labels are 0 or 1.", "labels");

    internal static void RequireSameLength(int first, int second)
    {
        if (first != second) throw new ArgumentException($"{first} predictions but {second} labels.");
        if (first == 0) throw new ArgumentException("no predictions to score.");
    }
}
