using System.Runtime.InteropServices;

namespace Frugal.Storage;

/// <summary>
/// A minimal io_uring (Linux 5.6+) through raw syscalls, for reads only: no liburing, nothing to install. The
/// kernel shares two rings with the process: the submission queue (SQ: a ring of indexes into an array of 64-byte
/// SQEs) that the process fills at its tail and the kernel consumes at its head, and the completion queue (CQ: a
/// ring of 16-byte CQEs) that the kernel fills and the process consumes. Each ring's head and tail live in shared
/// memory, written by one side and read by the other, so every access to them is an acquire read or a release write
/// (<see cref="Volatile"/>), pairing with the kernel's smp_load_acquire / smp_store_release.
/// <para>Submission is batched: callers append SQEs under a short lock, and whichever caller finds no
/// <c>io_uring_enter</c> in progress makes the call for every SQE appended until then, and again for any appended
/// meanwhile; the others return at once. One thread of the ring's own waits for completions and completes each
/// operation. At most <see cref="_capacity"/> operations are in flight (one less than the SQ's entries, the last
/// kept for the stop signal; the CQ has twice as many), so neither ring can overflow.</para>
/// </summary>
internal sealed unsafe class IoUring : IDisposable
{
    /// <summary>What a submitted operation does when its completion arrives (on the ring's thread: briefly).</summary>
    public abstract class Operation
    {
        /// <param name="result">The CQE's result: bytes transferred, or -errno.</param>
        public abstract void Complete(int result);
    }

    private const long SetupSyscall = 425; // io_uring_setup, the same number on every architecture
    private const long EnterSyscall = 426; // io_uring_enter
    private const uint GetEvents = 1; // IORING_ENTER_GETEVENTS
    private const byte OpNop = 0; // IORING_OP_NOP
    private const byte OpRead = 22; // IORING_OP_READ
    private const long SqRingOffset = 0, CqRingOffset = 0x8000000, SqesOffset = 0x10000000; // IORING_OFF_*
    private const ulong StopToken = 0; // user_data of the NOP that stops the completion thread (no GCHandle is 0)

    private readonly int _ringFd;
    private readonly nint _sqRing, _cqRing, _sqes;
    private readonly nuint _sqRingBytes, _cqRingBytes, _sqesBytes;
    private readonly uint* _sqHead, _sqTail, _sqArray, _cqHead, _cqTail;
    private readonly uint _sqMask, _cqMask;
    private readonly Sqe* _sqeArray;
    private readonly Cqe* _cqes;
    private readonly int _capacity;
    private readonly Lock _submitLock = new();
    private readonly Thread _completer;
    private uint _unsubmitted;
    private bool _submitting;
    private int _inFlight;

    private IoUring(int ringFd, in Params p)
    {
        _ringFd = ringFd;
        _sqRingBytes = p.SqArray + p.SqEntries * sizeof(uint);
        _cqRingBytes = p.CqCqes + p.CqEntries * (uint)sizeof(Cqe);
        _sqesBytes = p.SqEntries * (uint)sizeof(Sqe);
        _sqRing = Map(_sqRingBytes, SqRingOffset);
        _cqRing = Map(_cqRingBytes, CqRingOffset);
        _sqes = Map(_sqesBytes, SqesOffset);
        var sq = (byte*)_sqRing;
        var cq = (byte*)_cqRing;
        _sqHead = (uint*)(sq + p.SqHead);
        _sqTail = (uint*)(sq + p.SqTail);
        _sqArray = (uint*)(sq + p.SqArray);
        _sqMask = *(uint*)(sq + p.SqRingMask);
        _cqHead = (uint*)(cq + p.CqHead);
        _cqTail = (uint*)(cq + p.CqTail);
        _cqes = (Cqe*)(cq + p.CqCqes);
        _cqMask = *(uint*)(cq + p.CqRingMask);
        _sqeArray = (Sqe*)_sqes;
        // SQ slot i always names SQE i: the indirection is of no use here.
        for (uint i = 0; i < p.SqEntries; i++) _sqArray[i] = i;
        _capacity = (int)p.SqEntries - 1;
        _completer = new Thread(CompletionLoop) { IsBackground = true, Name = "frugal-io-uring" };
        _completer.Start();
    }

    /// <summary>
    /// A ring of <paramref name="entries"/> (a power of two), or null with the reason where the kernel refuses one
    /// (too old, io_uring_disabled, a container's seccomp filter).
    /// </summary>
    public static IoUring? TryCreate(uint entries, out string? failure)
    {
        failure = null;
        if (!OperatingSystem.IsLinux())
        {
            failure = "not Linux";
            return null;
        }
        var p = default(Params);
        var fd = (int)NativeFile.syscall(SetupSyscall, entries, (long)&p, 0, 0, 0, 0);
        if (fd < 0)
        {
            failure = "io_uring_setup: " + NativeFile.Describe(Marshal.GetLastPInvokeError());
            return null;
        }
        try
        {
            return new IoUring(fd, p);
        }
        catch (StorageException e)
        {
            NativeFile.close(fd);
            failure = e.Message;
            return null;
        }
    }

    private nint Map(nuint bytes, long offset)
    {
        const int readWrite = 0x3, sharedPopulate = 0x01 | 0x8000; // PROT_READ|PROT_WRITE, MAP_SHARED|MAP_POPULATE
        var address = NativeFile.mmap(0, bytes, readWrite, sharedPopulate, _ringFd, offset);
        return address != -1
            ? address
            : throw new StorageException("io_uring mmap: " + NativeFile.Describe(Marshal.GetLastPInvokeError()));
    }

    /// <summary>
    /// Queues a read of <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="fd"/> into
    /// <paramref name="buffer"/> (which must live until the completion); false, with nothing queued, when
    /// <see cref="_capacity"/> operations are already in flight.
    /// </summary>
    public bool TrySubmit(int fd, long offset, byte* buffer, int length, Operation operation)
    {
        if (Interlocked.Increment(ref _inFlight) > _capacity)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }
        var token = (ulong)GCHandle.ToIntPtr(GCHandle.Alloc(operation));
        var defer = t_deferred is not null;
        if (!Append(OpRead, fd, offset, buffer, length, token, claim: !defer))
        {
            if (defer && !t_deferred!.Contains(this)) t_deferred.Add(this);
            return true;
        }
        SubmitPending();
        return true;
    }

    // ---- Deferred submission (a KvSession's batch) ----

    // Where this thread notes the rings it appended to without submitting, while it defers; null when it does not.
    [ThreadStatic] private static List<IoUring>? t_deferred;

    /// <summary>
    /// Until <see cref="StopDeferring"/>, reads this thread queues are appended but not submitted (unless a
    /// submission by another thread takes them along), and their rings noted in <paramref name="rings"/> for
    /// <see cref="Submit"/>: a batch of reads costs one <c>io_uring_enter</c>.
    /// </summary>
    public static void DeferSubmits(List<IoUring> rings) => t_deferred = rings;

    public static void StopDeferring() => t_deferred = null;

    /// <summary>Submits every read deferred on <paramref name="rings"/>, and forgets them.</summary>
    public static void Submit(List<IoUring> rings)
    {
        foreach (var ring in rings) ring.SubmitUnclaimed();
        rings.Clear();
    }

    /// <summary>Submits what is appended unless a caller is already submitting (it takes everything along).</summary>
    private void SubmitUnclaimed()
    {
        lock (_submitLock)
        {
            if (_submitting || _unsubmitted == 0) return;
            _submitting = true;
        }
        SubmitPending();
    }

    /// <summary>
    /// Fills the SQE at the tail and publishes it; true when the caller must make the <c>io_uring_enter</c> call
    /// (no other caller is in one, and the caller would <paramref name="claim"/> the call).
    /// </summary>
    private bool Append(byte opcode, int fd, long offset, byte* buffer, int length, ulong token, bool claim = true)
    {
        lock (_submitLock)
        {
            // Only this lock's holder writes the SQ tail: a plain read sees the last value written.
            var tail = *_sqTail;
            // At most _capacity + 1 SQEs are ever unconsumed, so the slot at the tail is free; the kernel moves the
            // head (release) after it copied an SQE, and this acquire read makes sure it is done with the slot.
            if (tail - Volatile.Read(ref *_sqHead) > _sqMask) throw new InvalidOperationException("io_uring SQ full");
            var sqe = _sqeArray + (tail & _sqMask);
            *sqe = default;
            sqe->Opcode = opcode;
            sqe->Fd = fd;
            sqe->Offset = (ulong)offset;
            sqe->Address = (ulong)buffer;
            sqe->Length = (uint)length;
            sqe->UserData = token;
            // Release: the SQE's contents become visible to the kernel before the tail that hands it over.
            Volatile.Write(ref *_sqTail, tail + 1);
            _unsubmitted++;
            if (_submitting || !claim) return false;
            _submitting = true;
            return true;
        }
    }

    /// <summary>Submits what was appended, in as few calls as callers left time for, until nothing is left.</summary>
    private void SubmitPending()
    {
        while (true)
        {
            uint count;
            lock (_submitLock)
            {
                count = _unsubmitted;
                if (count == 0)
                {
                    _submitting = false;
                    return;
                }
            }
            var submitted = NativeFile.syscall(EnterSyscall, _ringFd, count, 0, 0, 0, 0);
            if (submitted < 0)
            {
                // EINTR, or EAGAIN / EBUSY (the kernel short of memory, completions backed up): try again shortly.
                // Nothing else is expected of a valid ring. Never give up with an exception: the SQEs are published
                // and the kernel may still read into their buffers, which the callers' destinations must outlive.
                if (Marshal.GetLastPInvokeError() == NativeFile.Interrupted) Thread.Yield();
                else Thread.Sleep(1);
                continue;
            }
            lock (_submitLock) _unsubmitted -= (uint)submitted;
        }
    }

    /// <summary>
    /// Waits for completions and completes their operations, until the stop NOP and nothing in flight.
    /// </summary>
    private void CompletionLoop()
    {
        var stopping = false;
        while (!stopping || Volatile.Read(ref _inFlight) > 0)
        {
            var result = NativeFile.syscall(EnterSyscall, _ringFd, 0, 1, GetEvents, 0, 0);
            if (result < 0 && Marshal.GetLastPInvokeError() is not (NativeFile.Interrupted or NativeFile.Busy))
            {
                Thread.Sleep(1); // not expected; the completions are read below all the same
            }
            // Only this thread writes the CQ head. Acquire on the tail: the kernel writes a CQE, then the tail
            // (release), so every CQE below the tail read here is complete.
            var head = *_cqHead;
            var tail = Volatile.Read(ref *_cqTail);
            for (; head != tail; head++)
            {
                var cqe = _cqes[head & _cqMask];
                if (cqe.UserData == StopToken)
                {
                    stopping = true;
                    continue;
                }
                var handle = GCHandle.FromIntPtr((nint)cqe.UserData);
                var operation = (Operation)handle.Target!;
                handle.Free();
                operation.Complete(cqe.Result);
                Interlocked.Decrement(ref _inFlight);
            }
            // Release: the CQEs were copied out before the kernel may reuse their slots.
            Volatile.Write(ref *_cqHead, head);
        }
    }

    /// <summary>Stops the completion thread once every read in flight completed, then unmaps the rings.</summary>
    public void Dispose()
    {
        if (Append(OpNop, -1, 0, null, 0, StopToken)) SubmitPending();
        _completer.Join();
        NativeFile.munmap(_sqes, _sqesBytes);
        NativeFile.munmap(_cqRing, _cqRingBytes);
        NativeFile.munmap(_sqRing, _sqRingBytes);
        NativeFile.close(_ringFd);
    }

    /// <summary>struct io_uring_params (120 bytes): what the kernel set up, and where each ring field lies.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Params
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd, Reserved0, Reserved1,
            Reserved2;
        public uint SqHead, SqTail, SqRingMask, SqRingEntries, SqFlags, SqDropped, SqArray, SqReserved;
        public ulong SqUserAddress;
        public uint CqHead, CqTail, CqRingMask, CqRingEntries, CqOverflow, CqCqes, CqFlags, CqReserved;
        public ulong CqUserAddress;
    }

    /// <summary>struct io_uring_sqe (64 bytes), the fields a read uses.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Sqe
    {
        [FieldOffset(0)] public byte Opcode;
        [FieldOffset(4)] public int Fd;
        [FieldOffset(8)] public ulong Offset;
        [FieldOffset(16)] public ulong Address;
        [FieldOffset(24)] public uint Length;
        [FieldOffset(32)] public ulong UserData;
    }

    /// <summary>struct io_uring_cqe (16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Cqe
    {
        public ulong UserData;
        public int Result;
        public uint Flags;
    }
}
