using System.Runtime.InteropServices;
using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.Results;

namespace Frugal.Recsys.Cluster;

/// <summary>
/// A trained model on disk: the iterations it was trained for, the run's configuration, the dense parameters and
/// every embedding table, with the hashes the run reported. Layout (little-endian): "FRCK", version, iterations,
/// configuration JSON, dense values, table count, rows per table, dimension, every row in key order, then the tables'
/// and the dense parameters' SHA-256. The oracle writes it with <see cref="Core.IO.AtomicFile"/>, streaming the rows
/// from the server, so a run that dies while writing leaves the previous checkpoint (or none), never half of one.
/// </summary>
/// <param name="Iteration">Iterations trained.</param>
/// <param name="Config">The run.</param>
/// <param name="Dense">The dense parameters, in the model's order.</param>
/// <param name="Tables">Each table's rows, row after row.</param>
/// <param name="TablesHash">SHA-256 of the tables, as in the run's report.</param>
/// <param name="DenseHash">SHA-256 of the dense parameters, as in the run's report.</param>
public sealed record RecsysCheckpoint(int Iteration, RunConfig Config, float[] Dense, float[][] Tables,
    string TablesHash, string DenseHash)
{
    private const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "FRCK"u8;

    /// <summary>Reads a checkpoint, checking its layout and both hashes.</summary>
    /// <exception cref="CorruptDataException">The file is not a whole checkpoint or its hashes do not
    /// match.</exception>
    public static RecsysCheckpoint Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != Version)
                throw new CorruptDataException($"{path} is not a recsys checkpoint (version {Version})");
            var iteration = reader.ReadInt32();
            var config = JsonSerializer.Deserialize<RunConfig>(reader.ReadString(), ResultJson.Options)!;
            var dense = Floats(reader, reader.ReadInt32());
            var tables = new float[reader.ReadInt32()][];
            var rows = Enumerable.Range(0, tables.Length).Select(_ => reader.ReadInt32()).ToArray();
            var dim = reader.ReadInt32();
            for (var t = 0; t < tables.Length; t++) tables[t] = Floats(reader, checked(rows[t] * dim));
            var (tablesHash, denseHash) = (reader.ReadString(), reader.ReadString());
            if (reader.BaseStream.Position != reader.BaseStream.Length || Hash(tables) != tablesHash
                || Hash([dense]) != denseHash)
                throw new CorruptDataException($"{path}: the checkpoint's contents do not match its hashes");
            return new RecsysCheckpoint(iteration, config, dense, tables, tablesHash, denseHash);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or OverflowException)
        {
            throw new CorruptDataException($"{path} is cut short or malformed: {e.Message}", e);
        }
    }

    /// <summary>Writes the header and the dense parameters; the rows follow through <see cref="WriteRows"/>.</summary>
    internal static void WriteHead(BinaryWriter writer, int iteration, RunConfig config, float[] dense)
    {
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(iteration);
        writer.Write(JsonSerializer.Serialize(config, ResultJson.Options));
        writer.Write(dense.Length);
        WriteRows(writer, dense);
        writer.Write(config.Cardinalities.Length);
        foreach (var rows in config.Cardinalities) writer.Write(rows);
        writer.Write(config.Model.Dim);
    }

    internal static void WriteRows(BinaryWriter writer, ReadOnlySpan<float> values) =>
        writer.Write(MemoryMarshal.AsBytes(values));

    internal static void WriteTail(BinaryWriter writer, string tablesHash, string denseHash)
    {
        writer.Write(tablesHash);
        writer.Write(denseHash);
    }

    private static float[] Floats(BinaryReader reader, int count)
    {
        var values = new float[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static string Hash(float[][] parts)
    {
        using var hash = new Model.ParameterHash();
        foreach (var part in parts) hash.Add(part);
        return hash.Finish();
    }
}
