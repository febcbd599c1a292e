namespace Frugal.Storage.Tests;

/// <summary>
/// On Linux the file device completes reads inline; this one completes them later on another thread (as an
/// overlapped or io_uring device would), once <paramref name="gate"/> (if any) has opened, so the ValueTask paths
/// really suspend and resume, unprotected, while other threads move the log on.
/// </summary>
internal sealed class DeferredReadDevice(string path, Task? gate = null) : IStorageDevice
{
    private readonly FileDevice _file = new(path);

    public string Name => _file.Name;
    public long Length => _file.Length;
    public void Write(long position, ReadOnlySpan<byte> data) => _file.Write(position, data);
    public int Read(long position, Span<byte> destination) => _file.Read(position, destination);

    public async ValueTask<int> ReadAsync(long position, Memory<byte> destination)
    {
        if (gate is not null) await gate.ConfigureAwait(false);
        await Task.Yield();
        return _file.Read(position, destination.Span);
    }

    public void Flush() => _file.Flush();
    public void Truncate(long length) => _file.Truncate(length);
    public void Dispose() => _file.Dispose();
}
