namespace Frugal.Core.Randomness;

/// <summary>
/// A deterministic pseudo-random stream (xoshiro256**), seeded through SplitMix64.
/// It derives from <see cref="System.Random"/> so that libraries taking a <c>Random</c>
/// (MathNet.Numerics samplers, for instance) draw from the same recorded stream.
/// Not thread-safe: give each thread its own stream (see <see cref="SeedTree"/>).
/// </summary>
public sealed class RandomStream : Random
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a stream whose whole sequence is a function of <paramref name="seed"/>.</summary>
    public RandomStream(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64.Next(ref sm);
        _s1 = SplitMix64.Next(ref sm);
        _s2 = SplitMix64.Next(ref sm);
        _s3 = SplitMix64.Next(ref sm);
    }

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double in (0, 1], safe to take the logarithm of.</summary>
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    protected override double Sample() => NextDouble();

    /// <inheritdoc/>
    public override int Next() => (int)(NextUInt64() >> 33);

    /// <inheritdoc/>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextBounded((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)NextBounded((ulong)((long)maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override long NextInt64() => (long)(NextUInt64() >> 1);

    /// <inheritdoc/>
    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)NextBounded((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + (long)NextBounded((ulong)(maxValue - minValue));
    }

    /// <inheritdoc/>
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <inheritdoc/>
    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            BitConverter.TryWriteBytes(buffer, NextUInt64());
            buffer = buffer[8..];
        }
        if (buffer.Length > 0)
        {
            Span<byte> last = stackalloc byte[8];
            BitConverter.TryWriteBytes(last, NextUInt64());
            last[..buffer.Length].CopyTo(buffer);
        }
    }

    /// <inheritdoc/>
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    /// <summary>Uniform in [0, bound) without modulo bias (Lemire's multiply-shift rejection).</summary>
    private ulong NextBounded(ulong bound)
    {
        if (bound == 0) return 0;
        var product = Math.BigMul(NextUInt64(), bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold)
                product = Math.BigMul(NextUInt64(), bound, out low);
        }
        return product;
    }
}

/// <summary>SplitMix64, used to expand seeds and to mix hashes into seeds.</summary>
internal static class SplitMix64
{
    public static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
