using System.Threading.Channels;

namespace Frugal.Graph.Training;

/// <summary>
/// The batch builder and the trainer run side by side (design §6.3): batches are built on a background thread into
/// a bounded channel (depth 8) while the trainer consumes them in order. Each batch draws from its own seeded
/// stream, so the numbers do not depend on the interleaving.
/// </summary>
internal static class BatchPipeline
{
    public const int Depth = 8;

    /// <param name="batches">Built on the background thread.</param>
    /// <param name="train">Runs on the calling thread, batch after batch.</param>
    /// <param name="cancellation">Stops both.</param>
    /// <param name="depth">Batches the channel holds.</param>
    public static void Run<T>(IEnumerable<T> batches, Action<T> train, CancellationToken cancellation,
        int depth = Depth)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(depth)
        {
            SingleReader = true, SingleWriter =
            true
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var builder = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in batches) await channel.Writer.WriteAsync(batch, stop.Token);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, CancellationToken.None);
        try
        {
            var reader = channel.Reader;
            while (reader.WaitToReadAsync(cancellation).AsTask().GetAwaiter().GetResult())
                while (reader.TryRead(out var batch)) train(batch);
        }
        finally
        {
            stop.Cancel();
            try
            {
                builder.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
            while (channel.Reader.TryRead(out var left)) (left as IDisposable)?.Dispose();
        }
    }
}
