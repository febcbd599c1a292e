using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Frugal.Storage;

/// <summary>
/// The typed face of <see cref="KvStore"/> for fixed-size unmanaged keys and values: their
/// bytes are the record's key and value, so no serialisation and, on the in-memory path, no
/// allocation. A directory created with one pair of types refuses to open with another size.
/// </summary>
public sealed class KvStore<TKey, TValue> : IDisposable where TKey : unmanaged where TValue : unmanaged
{
    private readonly KvStore _store;

    private KvStore(KvStore store) => _store = store;

    /// <summary>
    /// Opens the store in <see cref="KvStoreOptions.Directory"/>, creating it or recovering what it holds.
    /// </summary>
    /// <exception cref="Frugal.Core.Errors.BadInputException">
    /// The options are out of range, or the directory holds a store created for keys or values of another size.
    /// </exception>
    public static KvStore<TKey, TValue> Open(KvStoreOptions options) =>
        new(new KvStore(options, new RecordShape(Unsafe.SizeOf<TKey>(), Unsafe.SizeOf<TValue>())));

    /// <summary>The byte-level store underneath: stats, checkpoints, recovery.</summary>
    public KvStore Bytes => _store;

    /// <summary>
    /// Reads <paramref name="key"/>'s value; completes at once when the record is in memory, after a device read
    /// otherwise.
    /// </summary>
    public ValueTask<Lookup<TValue>> ReadAsync(TKey key)
    {
        TValue value = default;
        var status = _store.TryRead(AsBytes(ref key), AsBytes(ref value), out _, out var pending);
        return status == OpStatus.Pending
            ? ReadFromDeviceAsync(key, pending)
            : new ValueTask<Lookup<TValue>>(new Lookup<TValue>(status == OpStatus.Done, value));
    }

    private async ValueTask<Lookup<TValue>> ReadFromDeviceAsync(TKey key, PendingIo pending)
    {
        var value = new byte[Unsafe.SizeOf<TValue>()];
        var result = await _store.ReadFromDeviceAsync(ToArray(key), value, pending).ConfigureAwait(false);
        return new Lookup<TValue>(result.Found, result.Found ? MemoryMarshal.Read<TValue>(value) : default);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, inserting or replacing.</summary>
    public void Upsert(TKey key, TValue value) => _store.Upsert(AsBytes(ref key), AsBytes(ref value));

    /// <summary>Removes <paramref name="key"/>; deleting an absent key is not an error.</summary>
    public void Delete(TKey key) => _store.Delete(AsBytes(ref key));

    /// <summary>Sets <paramref name="key"/> to <paramref name="merge"/>(input, current, exists).</summary>
    public ValueTask RmwAsync(TKey key, TValue input, ValueMerge<TValue> merge)
    {
        var function = new TypedMerge(merge);
        var status = _store.TryRmw(AsBytes(ref key), AsBytes(ref input), ref function, out var pending);
        return status == OpStatus.Pending
            ? _store.RmwFromDeviceAsync(ToArray(key), ToArray(input), function, pending)
            : ValueTask.CompletedTask;
    }

    /// <inheritdoc cref="KvStore.Checkpoint"/>
    public CheckpointInfo Checkpoint() => _store.Checkpoint();

    /// <inheritdoc cref="KvStore.Stats"/>
    public StoreStats Stats() => _store.Stats();

    /// <inheritdoc cref="KvStore.Dispose"/>
    public void Dispose() => _store.Dispose();

    private static Span<byte> AsBytes<T>(ref T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref value, 1));

    private static byte[] ToArray<T>(T value) where T : unmanaged => AsBytes(ref value).ToArray();

    private readonly struct TypedMerge(ValueMerge<TValue> merge) : IRmwFunction
    {
        public int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists) =>
            Unsafe.SizeOf<TValue>();

        public void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result)
        {
            var old = exists ? MemoryMarshal.Read<TValue>(current) : default;
            var merged = merge(MemoryMarshal.Read<TValue>(input), old, exists);
            MemoryMarshal.Write(result, in merged);
        }
    }
}
