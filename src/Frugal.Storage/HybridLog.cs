using System.Runtime.InteropServices;

namespace Frugal.Storage;

/// <summary>
/// A hybrid log: records appended at the tail of an address space whose newest pages live in a
/// ring of in-memory frames. Markers Begin ≤ Head ≤ ReadOnly ≤ Tail split it into the on-disk
/// region [Begin, Head), the read-only in-memory region [Head, ReadOnly) and the mutable region
/// [ReadOnly, Tail), which is updated in place. The "safe" markers trail the plain ones by one
/// epoch: what every thread has seen. Pages are flushed once SafeReadOnly passes them and their
/// frames reused once Head has passed them for two epochs (the first lets the read cache unlink
/// its records, the second lets readers of those records leave). Without a device (the read
/// cache) pages are simply dropped.
/// </summary>
internal sealed unsafe class HybridLog : IDisposable
{
    private readonly Epoch _epoch;
    private readonly IStorageDevice? _device;
    private readonly byte* _memory;
    private readonly int _mutablePages;
    private readonly Action<long, long>? _onEvict;
    private readonly Lock _closeLock = new();

    private long _begin;
    private long _reclaimedUntil;
    private long _tail;
    private long _readOnly;
    private long _safeReadOnly;
    private long _head;
    private long _closedUntil;
    private long _flushedUntil;
    private long _flushTarget;
    private int _flushRequested;
    private volatile bool _stopping;
    private readonly SemaphoreSlim _flushSignal = new(0);
    private readonly Thread? _flusher;
    private Exception? _fault;
    private long _bytesWritten;
    private readonly bool _checksums;

    /// <param name="epoch">The store's epoch.</param>
    /// <param name="device">Where pages go; null for a log that lives in memory only.</param>
    /// <param name="pageBits">Log2 of the page size.</param>
    /// <param name="frameCount">In-memory page frames (at least 4).</param>
    /// <param name="mutableFraction">Fraction of the frames that form the mutable region.</param>
    /// <param name="onEvict">Called with [from, to) after Head passed those addresses and before their frames are
    /// reused.</param>
    /// <param name="checksums">Whether records get their checksum when their page is flushed (and are checked on
    /// recovery).</param>
    public HybridLog(
        Epoch epoch, IStorageDevice? device, int pageBits, int frameCount, double mutableFraction,
        Action<long, long>? onEvict,
        bool checksums = false)
    {
        _checksums = checksums && device is not null;
        if (frameCount < 4)
            throw new ArgumentOutOfRangeException(nameof(frameCount), frameCount, "A log needs at least 4 frames.");
        _epoch = epoch;
        _device = device;
        PageBits = pageBits;
        FrameCount = frameCount;
        _mutablePages = Math.Clamp((int)(frameCount * mutableFraction), 1, frameCount - 2);
        _onEvict = onEvict;
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(PageSize * frameCount), 4096);
        NativeMemory.Clear(_memory, (nuint)(PageSize * frameCount));
        SetMarkers(LogAddress.FirstAddress, LogAddress.FirstAddress);
        if (device is null) return;
        // A thread of its own, not a thread-pool item: writers that wait for a free frame may
        // themselves be pool threads, and must not starve the flush they wait for.
        _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "frugal-log-flusher" };
        _flusher.Start();
    }

    public int PageBits { get; }
    public long PageSize => 1L << PageBits;
    public int FrameCount { get; }

    public long BeginAddress => Volatile.Read(ref _begin);
    public long HeadAddress => Volatile.Read(ref _head);
    public long ReadOnlyAddress => Volatile.Read(ref _readOnly);
    public long SafeReadOnlyAddress => Volatile.Read(ref _safeReadOnly);
    public long TailAddress => Volatile.Read(ref _tail);
    public long FlushedUntilAddress => Volatile.Read(ref _flushedUntil);
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    private void SetMarkers(long begin, long tail)
    {
        _begin = begin;
        _head = _closedUntil = Math.Max(begin & ~(PageSize - 1), tail & ~(PageSize - 1));
        _readOnly = _safeReadOnly = _flushedUntil = _flushTarget = _tail = tail;
    }

    /// <summary>
    /// Sets the markers of a recovered log, [begin, tail) on the device, and loads the page
    /// holding the tail back into memory, checking every record in it (from then on it is read
    /// from memory, not the device). Reads only.
    /// </summary>
    public void Recover(long begin, long tail)
    {
        SetMarkers(begin, tail);
        var pageStart = tail & ~(PageSize - 1);
        if (_device is null || tail <= pageStart) return;
        var frame = new Span<byte>(Pointer(pageStart), (int)(tail - pageStart));
        var read = _device.Read(pageStart, frame);
        if (read != frame.Length)
            throw new StorageCorruptException(_device.Name,
                $"ends at {pageStart + read}, before the checkpoint's tail {tail} (truncated)");
        for (var at = Math.Max(pageStart, LogAddress.FirstAddress); at < tail;)
        {
            var record = frame[(int)(at - pageStart)..];
            var length = Record.LengthIn(record);
            if (length < 0) throw new StorageCorruptException(_device.Name, "no valid record (corrupt)", at);
            if (_checksums && !Record.IsIntact(record[..length]))
                throw new StorageCorruptException(_device.Name, "checksum mismatch (corrupt)", at);
            at += (length + 7) & ~7;
        }
    }

    /// <summary>
    /// The memory of the record at <paramref name="address"/>; valid while the caller stays protected, for Head ≤
    /// address &lt; Tail.
    /// </summary>
    public byte* Pointer(long address) =>
        _memory + (((address >> PageBits) % FrameCount) << PageBits) + (address & (PageSize - 1));

    /// <summary>Throws the error a background flush met (a full disk, say), so callers learn of it.</summary>
    public void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _fault) is { } fault) throw new StorageException(fault.Message, fault);
    }

    /// <summary>
    /// Reserves <paramref name="size"/> bytes at the tail. False when the next page's frame is
    /// not free yet: the caller must refresh its epoch (so evictions can finish) and try again.
    /// </summary>
    public bool TryAllocate(int size, out long address)
    {
        while (true)
        {
            var tail = Volatile.Read(ref _tail);
            var offset = tail & (PageSize - 1);
            var start = offset + size <= PageSize ? tail : (tail | (PageSize - 1)) + 1;
            var page = start >> PageBits;
            var opensPage = (start & (PageSize - 1)) == 0;
            if (opensPage && !FrameFree(page))
            {
                ShiftMarkers(page);
                ThrowIfFaulted();
                address = 0;
                return false;
            }
            if (Interlocked.CompareExchange(ref _tail, start + size, tail) != tail) continue;
            if (opensPage) ShiftMarkers(page);
            address = start;
            return true;
        }
    }

    private bool FrameFree(long page) =>
        page < FrameCount || Volatile.Read(ref _closedUntil) >= (page - FrameCount + 1) << PageBits;

    /// <summary>
    /// Keeps the mutable region to its share of frames and frees the frame for the page after <paramref
    /// name="tailPage"/>.
    /// </summary>
    private void ShiftMarkers(long tailPage)
    {
        var head = Math.Max(0, tailPage + 2 - FrameCount) << PageBits;
        var readOnly = Math.Max(head, Math.Max(0, tailPage + 1 - _mutablePages) << PageBits);
        ShiftReadOnly(Math.Min(readOnly, TailAddress));
        ShiftHead(head);
    }

    /// <summary>
    /// Makes everything below <paramref name="address"/> read-only and flushes it once no thread can still update it in
    /// place.
    /// </summary>
    public void ShiftReadOnly(long address)
    {
        if (!RaiseTo(ref _readOnly, address)) return;
        _epoch.Bump(() =>
        {
            RaiseTo(ref _safeReadOnly, address);
            RequestFlush(address);
        });
    }

    private void ShiftHead(long address)
    {
        address = Math.Min(address, FlushedUntilAddress) & ~(PageSize - 1);
        var old = HeadAddress;
        if (!RaiseTo(ref _head, address)) return;
        _epoch.Bump(() =>
        {
            _onEvict?.Invoke(old, address);
            _epoch.Bump(() => Close(address));
        });
    }

    private void Close(long address)
    {
        // Two threads draining two Close actions must not interleave: one could zero a frame the
        // other has already handed to a new page.
        lock (_closeLock)
        {
            var closed = Volatile.Read(ref _closedUntil);
            if (address <= closed) return;
            // Zeroed frames let the read cache scan a page without length bookkeeping.
            for (var page = closed >> PageBits; page < address >> PageBits; page++)
                NativeMemory.Clear(Pointer(page << PageBits), (nuint)PageSize);
            Volatile.Write(ref _closedUntil, address);
        }
    }

    private void RequestFlush(long address)
    {
        RaiseTo(ref _flushTarget, address);
        if (_device is null)
        {
            RaiseTo(ref _flushedUntil, address);
            return;
        }
        if (Interlocked.Exchange(ref _flushRequested, 1) == 0) _flushSignal.Release();
    }

    /// <summary>
    /// The flusher writes [FlushedUntil, target) in address order, so FlushedUntil always covers a contiguous prefix.
    /// </summary>
    private void FlushLoop()
    {
        while (true)
        {
            _flushSignal.Wait();
            Volatile.Write(ref _flushRequested, 0);
            if (_stopping) return;
            var from = FlushedUntilAddress;
            var to = Volatile.Read(ref _flushTarget);
            try
            {
                for (var start = from; start < to;)
                {
                    var end = Math.Min(to, (start | (PageSize - 1)) + 1);
                    if (_checksums) SealRecords(start, end);
                    _device!.Write(start, new ReadOnlySpan<byte>(Pointer(start), (int)(end - start)));
                    Interlocked.Add(ref _bytesWritten, end - start);
                    start = end;
                }
            }
            catch (Exception e)
            {
                // Nothing more can be written in order; every waiter learns of it through ThrowIfFaulted.
                Volatile.Write(ref _fault, e);
                return;
            }
            RaiseTo(ref _flushedUntil, to);
        }
    }

    /// <summary>
    /// Writes the checksum of every record in [<paramref name="from"/>, <paramref name="to"/>),
    /// part of one page that starts at a record. Nothing changes these records any more but the
    /// lock bit, which the checksum leaves out: the range lies below SafeReadOnly, so every
    /// thread that wrote them has left them (the same reason flushing them is safe).
    /// </summary>
    private void SealRecords(long from, long to)
    {
        for (var at = from; at + Record.HeaderSize <= to;)
        {
            var record = Pointer(at);
            if ((Record.Header(record) & ~Record.LockBit) == 0) return; // the page's unused end
            Record.Seal(record);
            at += Record.Size(Record.KeyLength(record), Record.ValueLength(record));
        }
    }

    /// <summary>
    /// Moves Begin up to <paramref name="address"/> (compaction copied every live record below
    /// it elsewhere): chain walks stop there. Only the compaction thread moves Begin, and never
    /// past Head, so no in-memory page is affected.
    /// </summary>
    public void ShiftBegin(long address) => RaiseTo(ref _begin, Math.Min(address, HeadAddress));

    /// <summary>
    /// Gives the device space below <paramref name="address"/> (rounded down to a page) back to
    /// the file system; returns the bytes given back. Called only once a durable checkpoint has
    /// a Begin at or past it, so no recoverable state refers to that space. Page 0, which holds
    /// the file header, is never given back.
    /// </summary>
    public long Reclaim(long address)
    {
        var from = Math.Max(Volatile.Read(ref _reclaimedUntil), PageSize);
        var to = Math.Min(address, BeginAddress) & ~(PageSize - 1);
        if (_device is null || to <= from) return 0;
        var reclaimed = _device.Reclaim(from, to);
        Volatile.Write(ref _reclaimedUntil, to);
        return reclaimed;
    }

    /// <summary>Bytes below Begin whose space has not been given back yet.</summary>
    public long UnreclaimedBytes => Math.Max(0, BeginAddress - Math.Max(Volatile.Read(ref _reclaimedUntil), PageSize));

    /// <summary>Blocks (unprotected) until everything below <paramref name="address"/> is on the device.</summary>
    public void WaitForFlush(long address)
    {
        var spinner = new SpinWait();
        while (FlushedUntilAddress < address)
        {
            ThrowIfFaulted();
            var slot = _epoch.Protect();
            _epoch.Unprotect(slot);
            spinner.SpinOnce();
        }
    }

    private static bool RaiseTo(ref long marker, long value)
    {
        var seen = Volatile.Read(ref marker);
        while (seen < value)
        {
            var prior = Interlocked.CompareExchange(ref marker, value, seen);
            if (prior == seen) return true;
            seen = prior;
        }
        return false;
    }

    public void Dispose()
    {
        // The flusher reads frames: stop it before they are freed.
        _stopping = true;
        _flushSignal.Release();
        _flusher?.Join();
        _flushSignal.Dispose();
        NativeMemory.AlignedFree(_memory);
    }
}
