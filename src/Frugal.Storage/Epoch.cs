using System.Collections.Concurrent;

namespace Frugal.Storage;

/// <summary>
/// Epoch protection: a thread announces the epoch it works in before it touches shared log
/// memory and withdraws when done. <see cref="Bump"/> registers an action that runs only once
/// every thread protected at the time has withdrawn or refreshed, so a page is flushed after the
/// last in-place writer left it and evicted after the last reader left it — without locks on
/// the fast path.
/// </summary>
internal sealed class Epoch
{
    public const int Slots = 128;

    // One cache line per slot, so threads announcing epochs do not contend on the same line.
    private const int Stride = 8;
    private const int DrainSlots = 256;
    private const long Free = 0;
    private const long Claimed = -1;

    private readonly long[] _table = new long[Slots * Stride];
    private readonly long[] _drainEpochs = new long[DrainSlots];
    private readonly Action?[] _drainActions = new Action?[DrainSlots];
    private readonly ConcurrentQueue<(long Epoch, Action Action)> _overflow = new();
    private long _current = 1;
    private int _drainCount;

    // One past the highest thread slot and drain slot ever claimed: the scans that run on every protect while an
    // action waits (SafeEpoch, Drain) look at these few, not all 128 and 256. Each is raised before its slot is
    // claimed, so a scan that misses a slot missed a thread that had not protected itself yet (or an action not yet
    // registered), which the scans already allow for.
    private int _slotsUsed;
    private int _drainSlotsUsed;

    [ThreadStatic] private static int t_hint;
    private static int s_nextHint;

    public long Current => Volatile.Read(ref _current);

    /// <summary>Claims a slot for the calling thread in the current epoch; returns the slot to pass back.</summary>
    public int Protect()
    {
        if (t_hint == 0) t_hint = Interlocked.Increment(ref s_nextHint);
        var slot = t_hint % Slots;
        while (true)
        {
            ref var local = ref _table[slot * Stride];
            if (Volatile.Read(ref local) != 0)
            {
                slot = (slot + 1) % Slots;
                continue;
            }
            RaiseTo(ref _slotsUsed, slot + 1);
            if (Interlocked.CompareExchange(ref local, Current, 0) == 0)
            {
                if (Volatile.Read(ref _drainCount) > 0) Drain();
                return slot;
            }
            slot = (slot + 1) % Slots;
        }
    }

    /// <summary>
    /// Moves a protected thread to the current epoch (it must hold no pointer into log memory across this call).
    /// </summary>
    public void Refresh(int slot)
    {
        Volatile.Write(ref _table[slot * Stride], Current);
        if (Volatile.Read(ref _drainCount) > 0) Drain();
    }

    public void Unprotect(int slot) => Volatile.Write(ref _table[slot * Stride], 0);

    /// <summary>
    /// Advances the epoch and runs <paramref name="action"/> once no thread can still be in an earlier one. It never
    /// waits: callers are usually protected themselves, and a protected thread spinning here until a slot frees would
    /// hold back the very epoch the registered actions wait for (with every worker doing so, nothing would ever run).
    /// </summary>
    public void Bump(Action action)
    {
        var prior = Interlocked.Increment(ref _current) - 1;
        Interlocked.Increment(ref _drainCount);
        if (!TryRegister(prior, action)) _overflow.Enqueue((prior, action));
        Drain();
    }

    private bool TryRegister(long epoch, Action action)
    {
        for (var i = 0; i < DrainSlots; i++)
        {
            if (Volatile.Read(ref _drainEpochs[i]) != Free) continue;
            RaiseTo(ref _drainSlotsUsed, i + 1);
            if (Interlocked.CompareExchange(ref _drainEpochs[i], Claimed, Free) != Free) continue;
            _drainActions[i] = action;
            Volatile.Write(ref _drainEpochs[i], epoch);
            return true;
        }
        return false;
    }

    /// <summary>Runs every registered action whose epoch no protected thread can still be in.</summary>
    public void Drain()
    {
        var safe = SafeEpoch();
        var used = Volatile.Read(ref _drainSlotsUsed);
        for (var i = 0; i < used && Volatile.Read(ref _drainCount) > 0; i++)
        {
            var epoch = Volatile.Read(ref _drainEpochs[i]);
            if (epoch <= 0 || epoch > safe) continue;
            if (Interlocked.CompareExchange(ref _drainEpochs[i], Claimed, epoch) != epoch) continue;
            var action = _drainActions[i]!;
            _drainActions[i] = null;
            Volatile.Write(ref _drainEpochs[i], Free);
            Interlocked.Decrement(ref _drainCount);
            action();
        }
        // Actions that found every slot taken; one not yet safe goes back to wait for a later drain.
        for (var n = _overflow.Count; n > 0 && _overflow.TryDequeue(out var pending); n--)
        {
            if (pending.Epoch > safe)
            {
                _overflow.Enqueue(pending);
                continue;
            }
            Interlocked.Decrement(ref _drainCount);
            pending.Action();
        }
    }

    /// <summary>Raises <paramref name="mark"/> to at least <paramref name="value"/> (it never falls).</summary>
    private static void RaiseTo(ref int mark, int value)
    {
        var seen = Volatile.Read(ref mark);
        while (seen < value)
        {
            var before = Interlocked.CompareExchange(ref mark, value, seen);
            if (before == seen) return;
            seen = before;
        }
    }

    /// <summary>
    /// The newest epoch no protected thread can still be in. It starts one below the current
    /// epoch: a thread that protects itself while this scan runs may have read the current
    /// epoch before an action of that epoch was registered, and must not see it run.
    /// </summary>
    private long SafeEpoch()
    {
        var oldest = Current - 1;
        var used = Volatile.Read(ref _slotsUsed);
        for (var i = 0; i < used; i++)
        {
            var local = Volatile.Read(ref _table[i * Stride]);
            if (local != 0) oldest = Math.Min(oldest, local - 1);
        }
        return oldest;
    }
}
