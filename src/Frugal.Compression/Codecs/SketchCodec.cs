using Frugal.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>The ±1 matrix whose rows a random sketch samples.</summary>
public enum SketchKind
{
    /// <summary>The Sylvester–Hadamard matrix (SRHT), padded to the next power of two at or above h.</summary>
    Hadamard,

    /// <summary>The circulant matrix of a random ±1 vector (the reference's "ct").</summary>
    Circulant,
}

/// <summary>
/// A random linear sketch of the hidden dimension: S = H_P·D/√m, with H a d×d matrix of ±1 (Hadamard or a random
/// circulant), P m of its rows drawn uniformly without replacement and D a diagonal of random signs. The code
/// c = x·Sᵀ (m fp32 values per row) travels and x̂ = c·S: E[SᵀS] = I, so the decode is an unbiased estimate of x over
/// the draws; at m = h the Hadamard sketch is orthogonal and exact. A fresh S is drawn for every message from the
/// codec's seed, which sender and receiver share, so S itself never travels. The sketch is linear, so tensor-parallel
/// ranks sketching with the same S can all-reduce the codes (summable), and gradients flow through it.
/// </summary>
public sealed class SketchCodec : Codec
{
    private readonly int? _size;
    private readonly double _ratio;
    private readonly Generator _random;
    private readonly SlotState _sketches = new();

    /// <summary>A sketch of <paramref name="size"/> rows, or m = h/ρ for ratio ρ when the size is null.</summary>
    /// <param name="kind">Hadamard (SRHT) or circulant.</param>
    /// <param name="size">Sketch size m (absolute); null to derive it from <paramref name="ratio"/>.</param>
    /// <param name="ratio">Target compression ratio ρ ≥ 1, used when <paramref name="size"/> is null.</param>
    /// <param name="seed">Seeds the draws of S (shared by sender and receiver).</param>
    /// <exception cref="BadInputException">A size below 1 or a ratio below 1.</exception>
    public SketchCodec(SketchKind kind, int? size, double ratio, ulong seed = 0)
    {
        if (size is < 1)
            throw new BadInputException($"sketch size {size} must be at least 1", CodecSettings.SketchSizeSetting);
        CodecSettings.CheckRatio(ratio);
        Kind = kind;
        _size = size;
        _ratio = ratio;
        _random = new Generator(seed);
    }

    /// <summary>Hadamard or circulant.</summary>
    public SketchKind Kind { get; }

    /// <inheritdoc/>
    public override string Name =>
        (Kind == SketchKind.Hadamard ? "srht" : "ct") + (_size is { } m ? $"(m={m})" : $"(ratio={_ratio:0.##})");

    /// <inheritdoc/>
    public override bool Summable => true;

    /// <summary>The sketch size m for <paramref name="h"/> channels.</summary>
    /// <exception cref="BadInputException">An absolute size above h.</exception>
    public int SizeOf(long h)
    {
        if (_size is { } m)
            return m <= h ? m : throw new BadInputException(
                $"sketch size {m} exceeds the hidden size {h}", CodecSettings.SketchSizeSetting);
        return (int)Math.Clamp((long)(h / _ratio), 1, h);
    }

    /// <summary>
    /// Encodes with a fresh S when <paramref name="context"/> is rank 0; the other tensor-parallel ranks of the same
    /// slot reuse rank 0's S, so their codes add up.
    /// </summary>
    public override Encoded Encode(Tensor x, BoundaryContext context)
    {
        var h = Channels(x);
        var slot = context with { Rank = 0 };
        long[] shape = [SizeOf(h), h];
        var sketch = context.Rank == 0 ? null : _sketches.Get(slot, shape);
        if (sketch is null)
        {
            using var drawn = Draw(shape[0], h);
            _sketches.Set(slot, drawn);
            sketch = _sketches.Get(slot, shape)!;
        }
        return new Encoded([x.matmul(sketch.t())], x.shape);
    }

    /// <inheritdoc/>
    public override Tensor Decode(Encoded encoded, BoundaryContext context)
    {
        var code = encoded.Parts[0];
        var sketch = _sketches.Get(context with { Rank = 0 }, [code.shape[^1], encoded.Shape[^1]])
                     ?? throw new InvalidOperationException("a sketch is decoded before its slot encoded one");
        return code.matmul(sketch);
    }

    /// <inheritdoc/>
    public override long PayloadBytes(Encoded encoded) => encoded.Parts[0].numel() * FloatBytes;

    /// <summary>The payload of <paramref name="rows"/> rows sketched to <paramref name="m"/> values.</summary>
    public static long PayloadBytes(long rows, long m) => rows * m * FloatBytes;

    /// <summary>Draws S = H_P·D/√m (m×h): rows P without replacement, then the signs D (and the circulant's vector
    /// first).</summary>
    private Tensor Draw(long m, long h)
    {
        using var scope = NewDisposeScope();
        var columns = arange(h, int64);
        Tensor rows;
        if (Kind == SketchKind.Hadamard)
        {
            var d = 1L;
            while (d < h) d *= 2;
            var picked = randperm(d, generator: _random)[..(int)m].unsqueeze(1);
            // H[i, j] = (−1)^popcount(i & j): the parity of the common bits, one bit at a time.
            var common = picked.bitwise_and(columns.unsqueeze(0));
            var ones = zeros_like(common);
            for (var bit = 1L; bit < d; bit *= 2)
                ones += common.div(bit, rounding_mode: RoundingMode.floor).remainder(2);
            rows = 1 - 2 * ones.remainder(2).to(float32);
        }
        else
        {
            var vector = Signs(h);
            var picked = randperm(h, generator: _random)[..(int)m].unsqueeze(1);
            // circulant(g)[i, j] = g[(i − j) mod h], as scipy.linalg.circulant builds it.
            rows = vector.take((picked - columns.unsqueeze(0)).remainder(h));
        }
        return (rows * Signs(h) / Math.Sqrt(m)).MoveToOuterDisposeScope();
    }

    private Tensor Signs(long n) => randint(0, 2, [n], generator: _random).to(float32) * 2 - 1;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _sketches.Dispose();
        _random.Dispose();
    }
}
