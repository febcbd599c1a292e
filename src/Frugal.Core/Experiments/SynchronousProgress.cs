namespace Frugal.Core.Experiments;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once, on the reporting thread.
/// (<see cref="Progress{T}"/> posts to the thread pool in a console program, so reports could
/// arrive late and out of order.)
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
