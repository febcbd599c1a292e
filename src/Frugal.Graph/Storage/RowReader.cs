using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace Frugal.Graph.Storage;

/// <summary>
/// Reads chosen rows of a row-major float32 file (features.bin) straight from disk, for evaluation on the full
/// graph: each batch's rows are sorted and runs of consecutive ids read in one request, so only the batch is held.
/// The reads keep their pages cached (many small reads of the same pages); <see cref="DropCache"/> drops the whole
/// file afterwards, so the training that follows still reads its partitions from the device.
/// </summary>
internal sealed class RowReader(string path, int width, IoCounters io) : IDisposable
{
    private readonly SafeFileHandle _file = File.OpenHandle(path);

    /// <summary>[rows.Length, width]: row i holds node <c>rows[i]</c> (distinct ids).</summary>
    public Tensor Gather(int[] rows)
    {
        var sorted = rows.ToArray();
        var position = Enumerable.Range(0, rows.Length).ToArray();
        Array.Sort(sorted, position);
        var inSortedOrder = new float[rows.Length * width];
        for (var start = 0; start < sorted.Length;)
        {
            var end = start + 1;
            while (end < sorted.Length && sorted[end] == sorted[end - 1] + 1) end++;
            var bytes = MemoryMarshal.AsBytes(inSortedOrder.AsSpan(start * width, (end - start) * width));
            DiskIo.ReadCached(_file, bytes, (long)sorted[start] * width * sizeof(float), io);
            start = end;
        }
        var values = new float[inSortedOrder.Length];
        for (var i = 0; i < sorted.Length; i++)
            inSortedOrder.AsSpan(i * width, width).CopyTo(values.AsSpan(position[i] * width, width));
        return tensor(values, [rows.Length, width]);
    }

    /// <summary>Drops the file's pages from the page cache.</summary>
    public void DropCache() => DiskIo.DropAll(_file);

    public void Dispose() => _file.Dispose();
}
