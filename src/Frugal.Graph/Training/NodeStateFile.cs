using Frugal.Core.Errors;
using Frugal.Graph.Storage;

namespace Frugal.Graph.Training;

/// <summary>
/// Link prediction's node state beside a checkpoint (<c>PATH.nodes</c>): the epoch, then the embeddings and then
/// their Adagrad sums, float32 [N, d] each. The model's checkpoint does not hold them (they are the node store, on
/// disk in the partition buffer's files), so resuming needs both; written to a temporary name and renamed.
/// </summary>
internal static class NodeStateFile
{
    public static string PathFor(string checkpoint) => checkpoint + ".nodes";

    /// <summary>Writes the store's values and accumulators after <paramref name="epoch"/>.</summary>
    public static void Save(string checkpoint, int epoch, NodeStore store)
    {
        store.Flush();
        var target = PathFor(checkpoint);
        var temporary = target + ".tmp";
        using (var output = File.Create(temporary))
        {
            output.Write(BitConverter.GetBytes(epoch));
            if (store is PartitionBuffer buffer)
                foreach (var path in new[] { buffer.ValuesPath, buffer.AccumulatorsPath! })
                    using (var input = File.OpenRead(path)) input.CopyTo(output);
            else
            {
                output.Write(store.Values.bytes);
                output.Write(store.Accumulators!.bytes);
            }
        }
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Opens the state saved after <paramref name="epoch"/>, positioned at the embeddings (then the sums,
    /// <paramref name="bytes"/> each).</summary>
    /// <exception cref="BadInputException">The file is missing.</exception>
    /// <exception cref="CorruptDataException">Its size or epoch disagrees with the checkpoint.</exception>
    public static FileStream Open(string checkpoint, int epoch, long bytes)
    {
        var path = PathFor(checkpoint);
        if (!File.Exists(path))
            throw new BadInputException($"checkpoint '{checkpoint}': its node state '{path}' is missing", "resume");
        var input = File.OpenRead(path);
        var header = new byte[sizeof(int)];
        input.ReadExactly(header);
        var length = input.Length;
        if (length == sizeof(int) + 2 * bytes && BitConverter.ToInt32(header) == epoch) return input;
        input.Dispose();
        throw new CorruptDataException($"node state '{path}': {length:N0} bytes after epoch " +
            $"{BitConverter.ToInt32(header)}, expected {sizeof(int) + 2 * bytes:N0} bytes after epoch {epoch}");
    }

    /// <summary>Copies the next <paramref name="bytes"/> of <paramref name="from"/>.</summary>
    public static void Copy(Stream from, Stream to, long bytes)
    {
        var buffer = new byte[1 << 20];
        for (var left = bytes; left > 0; left -= buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, left);
            from.ReadExactly(buffer, 0, n);
            to.Write(buffer, 0, n);
        }
    }
}
