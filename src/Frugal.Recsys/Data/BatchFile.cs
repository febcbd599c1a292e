using System.Buffers.Binary;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Recsys.Data;

/// <summary>
/// The binary batch file for replay: a header ("FRCB", version, table count, each table's rows, sample count),
/// then per sample a label byte, 13 float32 dense features and one int32 id per table, little-endian. Written
/// atomically (never half-written); read with its size and every id checked.
/// </summary>
public static class BatchFile
{
    private static ReadOnlySpan<byte> Magic => "FRCB"u8;
    private const int Version = 1;

    /// <summary>
    /// Writes <paramref name="samples"/> samples of <paramref name="source"/> to <paramref name="path"/>.
    /// </summary>
    /// <returns>The samples written (fewer when the source ends first).</returns>
    public static long Write(string path, IBatchSource source, IReadOnlyList<int> cardinalities, long samples)
    {
        ArgumentNullException.ThrowIfNull(source);
        long written = 0;
        AtomicFile.WriteBinary(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(cardinalities.Count);
            foreach (var n in cardinalities) writer.Write(n);
            var countAt = stream.Position;
            writer.Write(0L);
            while (written < samples && source.Next((int)Math.Min(4096, samples - written)) is { } batch)
            {
                for (var s = 0; s < batch.Size; s++)
                {
                    writer.Write(batch.Labels[s]);
                    for (var j = 0; j < CtrBatch.DenseCount; j++)
                        writer.Write(batch.Dense[s * CtrBatch.DenseCount + j]);
                    for (var t = 0; t < batch.Tables; t++) writer.Write(batch.Ids[s * batch.Tables + t]);
                }
                written += batch.Size;
            }
            writer.Flush();
            stream.Position = countAt;
            writer.Write(written);
            writer.Flush();
        });
        return written;
    }

    /// <summary>Opens a batch file for reading; its header and size are checked at once.</summary>
    /// <exception cref="BadInputException">Not a batch file, or unreadable as one.</exception>
    /// <exception cref="CorruptDataException">The file is shorter or longer than its header says.</exception>
    public static BatchFileReader Open(string path) => new(path);

    internal static (int[] Cardinalities, long Samples, long DataOffset) ReadHeader(Stream stream, string path)
    {
        Span<byte> head = stackalloc byte[12];
        if (stream.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12 || !head[..4].SequenceEqual(Magic))
            throw new BadInputException($"batch file '{path}': not a Frugal batch file");
        var version = BinaryPrimitives.ReadInt32LittleEndian(head[4..]);
        if (version != Version)
            throw new BadInputException($"batch file '{path}': format version {version}, expected {Version}");
        var tables = BinaryPrimitives.ReadInt32LittleEndian(head[8..]);
        if (tables is < 1 or > 1024)
            throw new CorruptDataException($"batch file '{path}': {tables} tables in the header");
        var rest = new byte[tables * 4 + 8];
        if (stream.ReadAtLeast(rest, rest.Length, throwOnEndOfStream: false) < rest.Length)
            throw new CorruptDataException($"batch file '{path}': truncated header");
        var cardinalities = new int[tables];
        for (var t = 0; t < tables; t++)
        {
            cardinalities[t] = BinaryPrimitives.ReadInt32LittleEndian(rest.AsSpan(t * 4));
            if (cardinalities[t] < 1)
                throw new CorruptDataException($"batch file '{path}': table {t} has {cardinalities[t]} rows");
        }
        var samples = BinaryPrimitives.ReadInt64LittleEndian(rest.AsSpan(tables * 4));
        return (cardinalities, samples, 12 + rest.Length);
    }

    internal static int RecordBytes(int tables) => 1 + 4 * CtrBatch.DenseCount + 4 * tables;
}

/// <summary>Reads the samples of a <see cref="BatchFile"/> in order, as batches.</summary>
public sealed class BatchFileReader : IBatchSource
{
    private readonly string _path;
    private readonly FileStream _stream;
    private readonly BinaryReader _reader;
    private long _read;

    internal BatchFileReader(string path)
    {
        var length = InputFile.Check(path, "batch file", long.MaxValue);
        _path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            (Cardinalities, Samples, var offset) = BatchFile.ReadHeader(_stream, path);
            var expected = offset + Samples * BatchFile.RecordBytes(Cardinalities.Length);
            if (Samples < 0 || length != expected)
                throw new CorruptDataException(
                    $"batch file '{path}': {length} bytes, but its header promises {Samples} samples ({expected} " +
                        $"bytes)");
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
        _reader = new BinaryReader(_stream);
    }

    /// <summary>Rows per table, as the file was written for.</summary>
    public int[] Cardinalities { get; }

    /// <summary>Samples in the file.</summary>
    public long Samples { get; }

    /// <inheritdoc />
    public CtrBatch? Next(int size)
    {
        if (Samples - _read < size) return null;
        var tables = Cardinalities.Length;
        var batch = new CtrBatch(size, tables);
        for (var s = 0; s < size; s++)
        {
            var label = _reader.ReadByte();
            if (label > 1) throw Corrupt(s, $"label {label}");
            batch.Labels[s] = label;
            for (var j = 0; j < CtrBatch.DenseCount; j++) batch.Dense[s * CtrBatch.DenseCount + j] =
                _reader.ReadSingle();
            for (var t = 0; t < tables; t++)
            {
                var id = _reader.ReadInt32();
                if ((uint)id >= (uint)Cardinalities[t]) throw Corrupt(s,
                    $"id {id} of table {t} (rows 0 to {Cardinalities[t] - 1})");
                batch.Ids[s * tables + t] = id;
            }
        }
        _read += size;
        return batch;
    }

    private CorruptDataException Corrupt(int sample, string what) =>
        new($"batch file '{_path}': sample {_read + sample}: {what}");

    /// <inheritdoc />
    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
