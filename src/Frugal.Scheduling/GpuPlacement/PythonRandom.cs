namespace Frugal.Scheduling.GpuPlacement;

/// <summary>
/// CPython's <c>random</c> module generator (MT19937 seeded by <c>init_by_array</c> from the seed's 32-bit words),
/// with the three calls the PAL reference makes: <c>random.seed(n)</c>, <c>random.random()</c> and
/// <c>random.choice(seq)</c>. The reference seeds it with constants (42 for the cluster's PerfVar draws, 1 for the
/// arrivals after a trace ends), so with the same seeds the same numbers come out and its published run can be
/// replayed draw for draw instead of only in distribution.
/// </summary>
internal sealed class PythonRandom
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index = N + 1;

    /// <summary><c>random.seed(seed)</c> for a whole number ≥ 0.</summary>
    public PythonRandom(ulong seed)
    {
        // CPython splits |seed| into 32-bit words, least significant first; zero is one word.
        uint[] key = seed >> 32 == 0 ? [(uint)seed] : [(uint)seed, (uint)(seed >> 32)];
        InitByArray(key);
    }

    /// <summary><c>random.random()</c>: a double in [0, 1) from 53 random bits.</summary>
    public double NextDouble()
    {
        ulong a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>random.choice(seq)</c>'s index: <c>_randbelow(n)</c> by rejection on n.bit_length() bits.</summary>
    public int Below(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var k = 32 - int.LeadingZeroCount(n);
        uint r;
        do r = NextUInt32() >> (32 - k); while (r >= (uint)n);
        return (int)r;
    }

    /// <summary>The next 32-bit output (<c>genrand_uint32</c>).</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        var y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (var i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
    }

    private void InitByArray(uint[] key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (var k = Math.Max(N, key.Length); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++;
            j++;
            if (i >= N) (_mt[0], i) = (_mt[N - 1], 1);
            if (j >= key.Length) j = 0;
        }
        for (var k = N - 1; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= N) (_mt[0], i) = (_mt[N - 1], 1);
        }
        _mt[0] = 0x80000000u;
    }

    private void Twist()
    {
        for (var k = 0; k < N; k++)
        {
            var y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % N] & 0x7fffffffu);
            _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908b0dfu);
        }
        _index = 0;
    }
}
