using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Frugal.Recsys.Cluster;

/// <summary>
/// How a shaped link waits for a frame's delivery time: asleep. A spinning or yielding wait would hold one of the
/// machine's cores for up to α per frame, taken from the trainers that share it (on a 2-core machine that was most
/// of a core in sync mode). On Linux the thread sleeps in nanosleep(2), which wakes within tens of microseconds, so
/// sub-millisecond latencies hold; elsewhere it sleeps whole milliseconds, rounded up.
/// </summary>
internal static partial class LinkClock
{
    /// <summary>Blocks the calling thread until <see cref="Stopwatch.GetTimestamp"/> reaches
    /// <paramref name="dueTicks"/>.</summary>
    public static void SleepUntil(long dueTicks)
    {
        while (true)
        {
            var remaining = dueTicks - Stopwatch.GetTimestamp();
            if (remaining <= 0) return;
            var seconds = remaining / (double)Stopwatch.Frequency;
            if (OperatingSystem.IsLinux())
            {
                var wait = new Timespec((long)seconds, (long)(seconds % 1 * 1e9));
                // An interrupted sleep (EINTR) just goes round the loop again.
                _ = nanosleep(ref wait, IntPtr.Zero);
            }
            else
            {
                Thread.Sleep((int)Math.Ceiling(seconds * 1000));
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    [DllImport("libc", SetLastError = true)]
    private static extern int nanosleep(ref Timespec request, IntPtr remaining);
}
