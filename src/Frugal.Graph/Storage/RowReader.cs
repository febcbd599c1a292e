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

    /// <summary>[rows.Length, width]: row i holds node <c>rows[i]</c> (distinct ids). Read straight into native
    /// tensor memory, so evaluation leaves no large managed garbage.</summary>
    public Tensor Gather(int[] rows)
    {
        var sorted = rows.ToArray();
        var position = Enumerable.Range(0, rows.Length).ToArray();
        Array.Sort(sorted, position);
        using var inSortedOrder = empty(rows.Length, width);
        var bytes = inSortedOrder.bytes;
        var rowBytes = width * sizeof(float);
        for (var start = 0; start < sorted.Length;)
        {
            var end = start + 1;
            while (end < sorted.Length && sorted[end] == sorted[end - 1] + 1) end++;
            DiskIo.ReadCached(_file, bytes.Slice(start * rowBytes, (end - start) * rowBytes),
                (long)sorted[start] * rowBytes, io);
            start = end;
        }
        var rank = new long[rows.Length];
        for (var i = 0; i < position.Length; i++) rank[position[i]] = i;
        using var index = tensor(rank, ScalarType.Int64);
        return inSortedOrder.index_select(0, index);
    }

    /// <summary>Drops the file's pages from the page cache.</summary>
    public void DropCache() => DiskIo.DropAll(_file);

    public void Dispose() => _file.Dispose();
}
