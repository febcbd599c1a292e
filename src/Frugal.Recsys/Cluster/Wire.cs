using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Frugal.Recsys.Cluster;

/// <summary>The operation a frame carries.</summary>
internal enum Op : byte
{
    Hello = 1, Setup, Get, Rows, Put, Ack, Done, Summary, Plan, End, Report, Abort, Chunk, Total,
}

/// <summary>Builds a frame's payload: scalars and arrays (a count, then the raw little-endian values).</summary>
internal sealed class PayloadWriter
{
    private readonly MemoryStream _stream = new();

    public PayloadWriter Int(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        _stream.Write(bytes);
        return this;
    }

    public PayloadWriter Float(float value) => Int(BitConverter.SingleToInt32Bits(value));

    public PayloadWriter Longs(ReadOnlySpan<long> values) => Raw(MemoryMarshal.AsBytes(values), values.Length);

    public PayloadWriter Ints(ReadOnlySpan<int> values) => Raw(MemoryMarshal.AsBytes(values), values.Length);

    public PayloadWriter Floats(ReadOnlySpan<float> values) => Raw(MemoryMarshal.AsBytes(values), values.Length);

    public PayloadWriter Doubles(ReadOnlySpan<double> values) => Raw(MemoryMarshal.AsBytes(values), values.Length);

    public PayloadWriter Bytes(ReadOnlySpan<byte> values) => Raw(values, values.Length);

    public PayloadWriter Text(string value) => Bytes(System.Text.Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _stream.ToArray();

    private PayloadWriter Raw(ReadOnlySpan<byte> bytes, int count)
    {
        Int(count);
        _stream.Write(bytes);
        return this;
    }
}

/// <summary>Reads a payload written by <see cref="PayloadWriter"/>, in the same order.</summary>
internal sealed class PayloadReader(byte[] payload)
{
    private int _offset;

    public int Int()
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(_offset));
        _offset += 4;
        return value;
    }

    public float Float() => BitConverter.Int32BitsToSingle(Int());

    public long[] Longs() => Array<long>(8);

    public int[] Ints() => Array<int>(4);

    public float[] Floats() => Array<float>(4);

    public double[] Doubles() => Array<double>(8);

    /// <summary>The next float array as a view of the payload, for a reader that changes it in place.</summary>
    public Span<float> FloatsInPlace() => MemoryMarshal.Cast<byte, float>(ArrayBytes(sizeof(float)));

    public byte[] Bytes() => Array<byte>(1);

    public string Text() => System.Text.Encoding.UTF8.GetString(Bytes());

    private T[] Array<T>(int size) where T : struct => MemoryMarshal.Cast<byte, T>(ArrayBytes(size)).ToArray();

    private Span<byte> ArrayBytes(int size)
    {
        var count = Int();
        if (count < 0 || (long)count * size > payload.Length - _offset)
            throw new InvalidDataException("a frame's array runs past its end");
        var bytes = payload.AsSpan(_offset, count * size);
        _offset += count * size;
        return bytes;
    }
}
