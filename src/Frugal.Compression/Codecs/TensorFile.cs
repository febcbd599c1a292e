using System.Buffers.Binary;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>
/// The tensor file format of <c>frugal compress codec</c>, little-endian: the magic <c>FRGT</c>, a version byte (1),
/// an element-type byte (1 = float32), the rank as a u16 (1 to 8), one i64 per dimension (each at least 1), then the
/// elements as float32 in row-major order. Nothing may follow them.
/// </summary>
public static class TensorFile
{
    private const int Prefix = 8;
    private const byte Version = 1, Float32 = 1;
    private const int MaxRank = 8;
    private static ReadOnlySpan<byte> Magic => "FRGT"u8;

    /// <summary>Reads the tensor in <paramref name="path"/>.</summary>
    /// <exception cref="BadInputException">Not such a file, or its header and size disagree.</exception>
    public static Tensor Read(string path)
    {
        InputFile.Check(path, "tensor file", int.MaxValue);
        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        BadInputException Bad(string what) => new($"tensor file '{name}': {what}");
        if (bytes.Length < Prefix || !bytes.AsSpan(0, 4).SequenceEqual(Magic)) throw Bad("not a Frugal tensor file");
        if (bytes[4] != Version) throw Bad($"version {bytes[4]} is not supported (1 is)");
        if (bytes[5] != Float32) throw Bad($"element type {bytes[5]} is not supported (1, float32, is)");
        var rank = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        if (rank is < 1 or > MaxRank) throw Bad($"rank {rank} must lie in [1, {MaxRank}]");
        var header = Prefix + 8 * rank;
        if (bytes.Length < header) throw Bad("the header is cut short");
        var shape = new long[rank];
        long elements = 1;
        for (var i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(Prefix + 8 * i));
            if (shape[i] < 1 || shape[i] > int.MaxValue) throw Bad($"dimension {i} is {shape[i]}");
            elements *= shape[i];
            if (elements > int.MaxValue / 4) throw Bad("the tensor is too large (over 2 GiB)");
        }
        if (bytes.Length - header != elements * 4)
            throw Bad($"shape [{string.Join(", ", shape)}] needs {elements * 4} bytes of values " +
                      $"but the file holds {bytes.Length - header}");
        var values = new float[elements];
        Buffer.BlockCopy(bytes, header, values, 0, (int)elements * 4);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian machines");
        return tensor(values).reshape(shape);
    }

    /// <summary>Writes <paramref name="x"/> (converted to float32) to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, Tensor x)
    {
        var values = x.detach().to(float32).contiguous().data<float>().ToArray();
        var header = Prefix + 8 * (int)x.ndim;
        var bytes = new byte[header + values.Length * 4];
        Magic.CopyTo(bytes);
        bytes[4] = Version;
        bytes[5] = Float32;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)x.ndim);
        for (var i = 0; i < x.ndim; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Prefix + 8 * i),
            x.shape[i]);
        Buffer.BlockCopy(values, 0, bytes, header, values.Length * 4);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
