using Frugal.Compression.Model;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using static TorchSharp.torch;

namespace Frugal.Compression.Data;

/// <summary>
/// Seeded sequences for training and validation (design §6.4): tokens [b, s] and targets (the next tokens [b, s], or a
/// class [b]).
/// </summary>
public abstract class SequenceData
{
    /// <summary>Token vocabulary.</summary>
    public abstract int Vocabulary { get; }

    /// <summary>What the targets are.</summary>
    public abstract TransformerTask Task { get; }

    /// <summary>Classes of a classification task (2 otherwise).</summary>
    public virtual int Classes => 2;

    /// <summary>The best achievable perplexity (e^H for a source of known entropy H), or null when unknown.</summary>
    public virtual double? PerplexityFloor => null;

    /// <summary>A batch of <paramref name="batch"/> sequences of <paramref name="length"/> tokens.</summary>
    public (Tensor Tokens, Tensor Targets) Batch(int batch, int length, Random random)
    {
        var rows = Enumerable.Range(0, batch).Select(_ => Sequence(length + 1, random)).ToArray();
        if (Task == TransformerTask.Language)
        {
            var all = tensor(rows.SelectMany(r => r).ToArray(), int64).reshape(batch, length + 1);
            return (all[.., ..length], all[.., 1..]);
        }
        var tokens = tensor(rows.SelectMany(r => r[..length]).ToArray(), int64).reshape(batch, length);
        return (tokens, tensor(rows.Select(r => Label(r[..length])).ToArray(), int64));
    }

    /// <summary>One sequence of <paramref name="length"/> tokens.</summary>
    protected abstract long[] Sequence(int length, Random random);

    /// <summary>The class of <paramref name="tokens"/> (classification only).</summary>
    protected virtual long Label(long[] tokens) => 0;
}

/// <summary>
/// A Markov source of order o over V tokens with peaked, seeded transition probabilities; its conditional entropy H
/// (stationary-weighted) is computed exactly, so e^H is the perplexity no model can beat.
/// </summary>
public sealed class MarkovSource : SequenceData
{
    private readonly int _order;
    private readonly double[][] _next; // per context (the last o tokens as a base-V number)
    private readonly double[] _stationary;

    /// <summary>A source of <paramref name="vocabulary"/> tokens and order <paramref name="order"/>.</summary>
    public MarkovSource(int vocabulary, int order, RandomStream random, double peak = 4)
    {
        if (vocabulary < 2 || order < 1 || Math.Pow(vocabulary, order) > 1 << 16)
            throw new BadInputException("a Markov source needs 2 or more tokens, order 1 or more, and at most " +
                                        "65,536 contexts", "data");
        (Vocabulary, _order) = (vocabulary, order);
        var contexts = (int)Math.Pow(vocabulary, order);
        _next = new double[contexts][];
        for (var c = 0; c < contexts; c++)
        {
            var w = Enumerable.Range(0, vocabulary).Select(_ => Math.Pow(random.NextDouble(), peak)).ToArray();
            var sum = w.Sum();
            _next[c] = [.. w.Select(x => x / sum)];
        }
        _stationary = Stationary(contexts);
        Entropy = Enumerable.Range(0, contexts).Sum(c =>
            _stationary[c] * -_next[c].Where(p => p > 0).Sum(p => p * Math.Log(p)));
    }

    /// <inheritdoc/>
    public override int Vocabulary { get; }

    /// <inheritdoc/>
    public override TransformerTask Task => TransformerTask.Language;

    /// <summary>The conditional entropy H in nats per token.</summary>
    public double Entropy { get; }

    /// <inheritdoc/>
    public override double? PerplexityFloor => Math.Exp(Entropy);

    // The stationary distribution over contexts, by power iteration (the chain is irreducible: every p > 0).
    private double[] Stationary(int contexts)
    {
        var pi = Enumerable.Repeat(1.0 / contexts, contexts).ToArray();
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var next = new double[contexts];
            for (var c = 0; c < contexts; c++)
                for (var v = 0; v < Vocabulary; v++)
                    next[Shift(c, v)] += pi[c] * _next[c][v];
            var change = next.Zip(pi, (a, b) => Math.Abs(a - b)).Sum();
            pi = next;
            if (change < 1e-13) break;
        }
        return pi;
    }

    private int Shift(int context, int token) => (int)(context * Vocabulary % _next.Length) + token;

    /// <inheritdoc/>
    protected override long[] Sequence(int length, Random random)
    {
        var context = Draw(_stationary, random);
        var tokens = new long[length];
        for (var i = 0; i < length; i++)
        {
            var token = Draw(_next[context], random);
            tokens[i] = token;
            context = Shift(context, token);
        }
        return tokens;
    }

    private static int Draw(double[] p, Random random)
    {
        var u = random.NextDouble();
        for (var i = 0; i < p.Length - 1; i++)
            if ((u -= p[i]) < 0) return i;
        return p.Length - 1;
    }
}

/// <summary>
/// Synthetic sequence classification: uniform tokens; the label is a hidden function of the token counts,
/// argmax_c Σ_t count_t · W[c, t] with W drawn once from the seed.
/// </summary>
public sealed class CountClassification : SequenceData
{
    private readonly double[,] _weights;

    /// <summary>A task over <paramref name="vocabulary"/> tokens and <paramref name="classes"/> classes.</summary>
    public CountClassification(int vocabulary, int classes, RandomStream random)
    {
        if (vocabulary < 2 || classes < 2)
            throw new BadInputException("classification needs 2 or more tokens and classes", "data");
        (Vocabulary, Classes) = (vocabulary, classes);
        _weights = new double[classes, vocabulary];
        for (var c = 0; c < classes; c++)
            for (var t = 0; t < vocabulary; t++)
                _weights[c, t] = random.NextDouble() * 2 - 1;
    }

    /// <inheritdoc/>
    public override int Vocabulary { get; }

    /// <inheritdoc/>
    public override int Classes { get; }

    /// <inheritdoc/>
    public override TransformerTask Task => TransformerTask.Classification;

    /// <inheritdoc/>
    protected override long[] Sequence(int length, Random random) =>
        [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(Vocabulary))];

    /// <inheritdoc/>
    protected override long Label(long[] tokens) =>
        Enumerable.Range(0, Classes).MaxBy(c => tokens.Sum(t => _weights[c, t]));
}

/// <summary>Any UTF-8 text file (WikiText, for one) as bytes: 256 tokens; sequences are windows at random offsets.
/// </summary>
public sealed class TextBytes : SequenceData
{
    private readonly byte[] _bytes;

    /// <summary>Reads <paramref name="path"/> (at most 1 GiB).</summary>
    /// <exception cref="BadInputException">A missing file, or one too short for a sequence.</exception>
    public TextBytes(string path, int sequence)
    {
        InputFile.Check(path, "text file");
        _bytes = File.ReadAllBytes(path);
        if (_bytes.Length < sequence + 2)
            throw new BadInputException(
                $"text file '{Path.GetFileName(path)}': {_bytes.Length} bytes is shorter than one sequence", "data");
    }

    /// <inheritdoc/>
    public override int Vocabulary => 256;

    /// <inheritdoc/>
    public override TransformerTask Task => TransformerTask.Language;

    /// <inheritdoc/>
    protected override long[] Sequence(int length, Random random)
    {
        var start = random.Next(_bytes.Length - length + 1);
        return [.. _bytes.AsSpan(start, length).ToArray().Select(b => (long)b)];
    }
}
