using CsCheck;
using Frugal.Core.Errors;

namespace Frugal.Fuzz;

/// <summary>
/// Property-based fuzzing for the test projects' <c>Fuzz</c> folders (linked into each): CsCheck generators drawn from
/// a fixed PCG stream and seed for a fixed number of cases, so every run tries the same inputs and a failure names
/// the case that made it. <c>FRUGAL_FUZZ_SCALE=N</c> multiplies the case counts (and moves the seed) for a soak.
/// </summary>
internal static class FuzzCheck
{
    /// <summary>Generous: only a hang takes this long (a case takes milliseconds).</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(60);

    private static readonly int Scale =
        int.TryParse(Environment.GetEnvironmentVariable("FRUGAL_FUZZ_SCALE"), out var scale) && scale > 0 ? scale : 1;

    /// <summary>
    /// Runs <paramref name="check"/> on <paramref name="cases"/> values of <paramref name="gen"/>, one at a time, each
    /// within <see cref="CaseTimeout"/>. A failure names the case number and its value.
    /// </summary>
    public static void ForEach<T>(Gen<T> gen, int cases, Action<T> check, uint stream = 23)
    {
        var pcg = new PCG(stream, 20261206UL + (ulong)(Scale - 1));
        for (var i = 0; i < cases * Scale; i++)
        {
            var value = gen.Generate(pcg, null, out _);
            var run = Task.Run(() => check(value));
            try
            {
                if (!run.Wait(CaseTimeout))
                    throw new FuzzFailure($"case {i} ({Check.Print(value)}) still ran after {CaseTimeout}: a hang");
            }
            catch (AggregateException e)
            {
                var inner = e.InnerException;
                throw new FuzzFailure($"case {i} ({Check.Print(value)}): {inner?.Message}", inner);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/>, letting only the documented refusals through: <see cref="BadInputException"/> and
    /// <see cref="CorruptDataException"/>, each with a message of one line. Returns the refusal, or null when
    /// <paramref name="read"/> accepted the input. Any other exception fails the case.
    /// </summary>
    public static Exception? Refusal(Action read)
    {
        try
        {
            read();
            return null;
        }
        catch (Exception e) when (e is BadInputException or CorruptDataException)
        {
            Assert.False(e.Message.Contains('\n') || e.Message.Length == 0, $"not one line: '{e.Message}'");
            return e;
        }
    }

    /// <summary>Damage to a file's bytes, as a careless copy, a bad disk or a hostile user would make it.</summary>
    public static Gen<Damage> Damages { get; } = Gen.Select(
        Gen.Enum<DamageKind>(), Gen.Double[0, 1], Gen.Int[1, 64],
        Gen.Frequency((3, Gen.Byte), (1, Gen.OneOf<byte>(0, 9, 10, 13, 32, (byte)'-', (byte)'9', (byte)',', 0xFF))),
        (kind, where, length, value) => new Damage(kind, where, length, value));
}

/// <summary>What <see cref="Damage"/> does to the bytes.</summary>
internal enum DamageKind
{
    FlipBits,
    Truncate,
    Overwrite,
    Insert,
    Delete,
    RepeatTail,
}

/// <summary>One damage at a relative position <paramref name="Where"/> (0 to 1) of <paramref name="Length"/> bytes of
/// <paramref name="Value"/>.</summary>
internal sealed record Damage(DamageKind Kind, double Where, int Length, byte Value)
{
    public byte[] Apply(byte[] data)
    {
        var at = Math.Min(data.Length, (int)(Where * data.Length));
        var length = Math.Min(Length, data.Length - at);
        var bytes = data.ToList();
        switch (Kind)
        {
            case DamageKind.FlipBits:
                for (var i = at; i < at + length; i++) bytes[i] ^= (byte)(Value | 1);
                break;
            case DamageKind.Truncate:
                return data[..at];
            case DamageKind.Overwrite:
                for (var i = at; i < at + length; i++) bytes[i] = Value;
                break;
            case DamageKind.Insert:
                bytes.InsertRange(at, Enumerable.Repeat(Value, Length));
                break;
            case DamageKind.Delete:
                bytes.RemoveRange(at, length);
                break;
            case DamageKind.RepeatTail:
                bytes.AddRange(data[at..]);
                break;
        }
        return [.. bytes];
    }
}

/// <summary>A fuzz case broke a promise (an undocumented exception, a hang, a changed file, a wrong value).</summary>
internal sealed class FuzzFailure(string message, Exception? inner = null) : Exception(message, inner);
