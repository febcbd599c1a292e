using System.Security.Cryptography;
using System.Text;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Learning.Training;

/// <summary>
/// Saves and restores a model's parameters and buffers together with its optimiser's state, so training
/// resumes where it stopped. The file records the model's shape (every tensor's name, element type and
/// dimensions) and the optimiser's kind, and ends with a SHA-256 of everything before it. Loading
/// checks all of that before it changes anything: a file for another model is refused with one line
/// naming what differs, and the model and optimiser are left as they were. Saving writes a temporary file
/// and renames it, so an existing checkpoint is never half-overwritten. Files are read whole, up to 2 GiB.
/// libtorch's random generators are not saved: a resumed run draws different numbers than an
/// uninterrupted one.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = "FRUGALCK"u8.ToArray();
    private const int FormatVersion = 1;
    private const int HashLength = 32;
    private const string What = "checkpoint";

    /// <summary>Writes the checkpoint of <paramref name="model"/> and <paramref name="optimizer"/> after
    /// <paramref name="epoch"/> to <paramref name="path"/>.</summary>
    public static void Save(string path, nn.Module model, optim.Optimizer optimizer, int epoch)
    {
        ArgumentNullException.ThrowIfNull(model);
        var helper = Stateful(optimizer);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(epoch);
            writer.Write(OptimizerKind(helper));
            writer.Write(helper.parameters().Count());
            var tensors = Signature(model);
            writer.Write(tensors.Count);
            foreach (var tensor in tensors) tensor.Write(writer);
            WriteBlob(writer, w => model.save(w));
            WriteBlob(writer, helper.save_state_dict);
        }
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        AtomicFile.WriteAllBytes(path, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// Restores <paramref name="model"/> and <paramref name="optimizer"/> from the checkpoint at
    /// <paramref name="path"/> and returns the epoch it was saved after.
    /// </summary>
    /// <exception cref="BadInputException">The file is missing, not a checkpoint, or for another model or
    /// optimiser.</exception>
    /// <exception cref="CorruptDataException">The file is truncated or fails its checksum.</exception>
    public static int Load(string path, nn.Module model, optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        var helper = Stateful(optimizer);
        InputFile.Check(path, What, Array.MaxLength);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new BadInputException($"{What} '{path}': not a Frugal checkpoint");
        if (bytes.Length < Magic.Length + sizeof(int) + HashLength)
            throw new CorruptDataException($"{What} '{path}': truncated ({bytes.Length} bytes)");
        var body = bytes.AsSpan(0, bytes.Length - HashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(body.Length)))
            throw new CorruptDataException($"{What} '{path}': checksum mismatch (the file is damaged or truncated)");

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length, writable: false), Encoding.UTF8);
        try
        {
            reader.ReadBytes(Magic.Length);
            var version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new BadInputException(
                    $"{What} '{path}': format version {version}; this build reads version {FormatVersion}");
            var epoch = reader.ReadInt32();
            RequireSameOptimizer(path, reader.ReadString(), reader.ReadInt32(), helper);
            var saved = new List<TensorSignature>();
            for (var count = reader.ReadInt32(); saved.Count < count;) saved.Add(TensorSignature.Read(reader));
            RequireSameModel(path, saved, Signature(model));
            var modelBlob = ReadBlob(reader);
            var optimizerBlob = ReadBlob(reader);
            // Everything is checked: only now are the model and the optimiser changed.
            using (var modelReader = new BinaryReader(new MemoryStream(modelBlob, writable: false)))
                model.load(modelReader, strict: true);
            using (var optimizerReader = new BinaryReader(new MemoryStream(optimizerBlob, writable: false)))
                helper.load_state_dict(optimizerReader);
            return epoch;
        }
        catch (EndOfStreamException e)
        {
            throw new CorruptDataException($"{What} '{path}': ends early although its checksum matches", e);
        }
    }

    private static OptimizerHelper Stateful(optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer as OptimizerHelper
            ?? throw new ArgumentException(
                $"optimiser {optimizer.GetType().Name} cannot save its state.", nameof(optimizer));
    }

    private static string OptimizerKind(OptimizerHelper optimizer) => optimizer.GetType().Name;

    private static void RequireSameOptimizer(string path, string kind, int parameters, OptimizerHelper optimizer)
    {
        if (kind != OptimizerKind(optimizer))
            throw new BadInputException(
                $"{What} '{path}': holds {kind} optimiser state, but the optimiser is {OptimizerKind(optimizer)}");
        var expected = optimizer.parameters().Count();
        if (parameters != expected)
            throw new BadInputException(
                $"{What} '{path}': its optimiser updates {parameters} parameters, this one {expected}");
    }

    private static void RequireSameModel(
        string path, IReadOnlyList<TensorSignature> saved, IReadOnlyList<TensorSignature> model)
    {
        var inModel = model.ToDictionary(t => t.Name);
        var another = $"{What} '{path}': is for another model:";
        foreach (var tensor in saved)
        {
            if (!inModel.Remove(tensor.Name, out var current))
                throw new BadInputException($"{another} it holds '{tensor.Name}', which the model lacks");
            if (current.Type != tensor.Type || !current.Shape.SequenceEqual(tensor.Shape))
                throw new BadInputException(
                    $"{another} '{tensor.Name}' is {tensor} in the file but {current} in the model");
        }
        if (inModel.Count > 0)
            throw new BadInputException($"{another} it lacks '{inModel.Keys.First()}'");
    }

    private static List<TensorSignature> Signature(nn.Module model) =>
        model.named_parameters().Select(p => (Name: p.name, Tensor: (Tensor)p.parameter))
            .Concat(model.named_buffers().Select(b => (Name: b.name, Tensor: b.buffer)))
            .Select(t => new TensorSignature(t.Name, t.Tensor.dtype.ToString(), t.Tensor.shape))
            .ToList();

    private static void WriteBlob(BinaryWriter writer, Action<BinaryWriter> write)
    {
        using var blob = new MemoryStream();
        using (var blobWriter = new BinaryWriter(blob, Encoding.UTF8, leaveOpen: true)) write(blobWriter);
        writer.Write(blob.Length);
        writer.Write(blob.GetBuffer(), 0, (int)blob.Length);
    }

    private static byte[] ReadBlob(BinaryReader reader)
    {
        var length = reader.ReadInt64();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new EndOfStreamException();
        return reader.ReadBytes((int)length);
    }

    /// <summary>A tensor's name, element type and dimensions, which must match for a checkpoint to load.</summary>
    private sealed record TensorSignature(string Name, string Type, long[] Shape)
    {
        public void Write(BinaryWriter writer)
        {
            writer.Write(Name);
            writer.Write(Type);
            writer.Write(Shape.Length);
            foreach (var dimension in Shape) writer.Write(dimension);
        }

        public static TensorSignature Read(BinaryReader reader)
        {
            var name = reader.ReadString();
            var type = reader.ReadString();
            var rank = reader.ReadInt32();
            if (rank is < 0 or > 64) throw new EndOfStreamException();
            var shape = new long[rank];
            for (var i = 0; i < rank; i++) shape[i] = reader.ReadInt64();
            return new TensorSignature(name, type, shape);
        }

        public override string ToString() => $"{Type} [{string.Join(", ", Shape)}]";
    }
}
