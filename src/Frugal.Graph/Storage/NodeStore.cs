using System.Diagnostics;
using System.Runtime.InteropServices;
using Frugal.Graph.Layout;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace Frugal.Graph.Storage;

/// <summary>
/// Where node data (features, or embeddings with their Adagrad accumulators) lives during training: rows of
/// <see cref="Values"/>, addressed by local row. The in-memory store holds every node at its own id; the
/// partition buffer holds c partitions (plus prefetch slots) and maps ids to rows through the slot of their
/// partition.
/// </summary>
internal abstract class NodeStore : IDisposable
{
    protected NodeStore(GraphMeta meta) => Meta = meta;

    public GraphMeta Meta { get; }

    /// <summary>[rows, width] node values (shares memory with the store's arrays).</summary>
    public abstract Tensor Values { get; }

    /// <summary>[rows, width] Adagrad accumulators (link prediction), or null.</summary>
    public abstract Tensor? Accumulators { get; }

    /// <summary>The number of local rows.</summary>
    public int Rows => (int)Values.shape[0];

    /// <summary>[rows.Length, width]: the values of the given local rows (a copy).</summary>
    public Tensor Gather(int[] rows)
    {
        using var index = tensor(rows.Select(r => (long)r).ToArray(), ScalarType.Int64);
        return Values.index_select(0, index);
    }

    /// <summary>The local row of <paramref name="node"/>, or −1 when its partition is not resident.</summary>
    public abstract int LocalRow(int node);

    /// <summary>Makes exactly the partitions of <paramref name="state"/> resident (writing back the others).</summary>
    public abstract void Enter(int[] state);

    /// <summary>Starts loading the partitions of <paramref name="state"/> that are not resident, where slots are
    /// free, while training continues.</summary>
    public virtual void Prefetch(int[] state) { }

    /// <summary>Writes every resident partition back (link prediction).</summary>
    public virtual void Flush() { }

    /// <summary>Resident node ranges (first local row, count), for uniform negatives.</summary>
    public abstract IReadOnlyList<(int Row, int Count)> ResidentRanges { get; }

    /// <summary>Bytes the store holds.</summary>
    public abstract long Bytes { get; }

    public abstract void Dispose();

    /// <summary>Initial embeddings N(0, std²), drawn row after row from one stream, so a store of any
    /// partitioning starts from the same values.</summary>
    public static void Initialise(Span<float> rows, Random random, double std)
    {
        for (var i = 0; i < rows.Length; i++)
            rows[i] = (float)(std * Sources.StochasticBlockSource.Gaussian(random));
    }
}

/// <summary>Every node in memory at its own id (the in-memory baseline).</summary>
internal sealed class MemoryStore : NodeStore
{
    private readonly float[] _values;
    private readonly float[]? _accumulators;

    public MemoryStore(GraphMeta meta, float[] values, int width, bool withAccumulators) : base(meta)
    {
        _values = values;
        Values = from_array(values).view(meta.Nodes, width);
        if (withAccumulators)
        {
            _accumulators = new float[values.Length];
            Accumulators = from_array(_accumulators).view(meta.Nodes, width);
        }
        ResidentRanges = [(0, meta.Nodes)];
    }

    public override Tensor Values { get; }

    public override Tensor? Accumulators { get; }

    public override int LocalRow(int node) => node;

    public override void Enter(int[] state) { }

    public override IReadOnlyList<(int Row, int Count)> ResidentRanges { get; }

    public override long Bytes => (_values.LongLength + (_accumulators?.LongLength ?? 0)) * sizeof(float);

    public override void Dispose()
    {
        Values.Dispose();
        Accumulators?.Dispose();
    }
}

/// <summary>
/// The partition buffer (MariusGNN §3, design §6.2): one pinned array of (c + q)·S rows, allocated once, per
/// file (values, and accumulators for link prediction); partition k sits in slot partToSlot[k], so node v is at
/// row partToSlot[v / S]·S + v % S. Partitions are read straight into their slot and, when dirty (link
/// prediction), written back on eviction; every read and write drops its pages from the cache (see
/// <see cref="DiskIo"/>). <see cref="Prefetch"/> loads the next state's partitions into free slots on a
/// background task; <see cref="Enter"/> waits for it (the trainer's I/O wait), evicts and loads what remains.
/// </summary>
internal sealed class PartitionBuffer : NodeStore
{
    private readonly int _width;
    private readonly int _slots;
    private readonly bool _dirty;
    private readonly (float[] Array, SafeFileHandle File)[] _files;
    private readonly int[] _partToSlot;
    private readonly int[] _slotToPart;
    private readonly IoCounters _io;
    private readonly DiskThrottle? _throttle;
    private Task<List<(int Partition, int Slot)>>? _prefetch;

    public PartitionBuffer(GraphMeta meta, string valuesPath, string? accumulatorsPath, int width, int slots,
        IoCounters io, DiskThrottle? throttle) : base(meta)
    {
        _width = width;
        _slots = slots;
        ValuesPath = valuesPath;
        AccumulatorsPath = accumulatorsPath;
        _dirty = accumulatorsPath is not null;
        _io = io;
        _throttle = throttle;
        var rows = (long)slots * meta.PartitionSize;
        var access = _dirty ? FileAccess.ReadWrite : FileAccess.Read;
        _files = [.. new[] { valuesPath, accumulatorsPath }.OfType<string>().Select(path =>
            (GC.AllocateArray<float>(checked((int)(rows * width)), pinned: true),
                File.OpenHandle(path, FileMode.Open, access)))];
        Values = from_array(_files[0].Array).view(rows, width);
        Accumulators = _dirty ? from_array(_files[1].Array).view(rows, width) : null;
        _partToSlot = Enumerable.Repeat(-1, meta.Partitions).ToArray();
        _slotToPart = Enumerable.Repeat(-1, slots).ToArray();
    }

    public override Tensor Values { get; }

    public override Tensor? Accumulators { get; }

    /// <summary>The file the values come from.</summary>
    public string ValuesPath { get; }

    /// <summary>The file of the Adagrad sums (link prediction), or null.</summary>
    public string? AccumulatorsPath { get; }

    public override long Bytes => _files.Sum(f => f.Array.LongLength) * sizeof(float);

    public override int LocalRow(int node)
    {
        var slot = _partToSlot[node / Meta.PartitionSize];
        return slot < 0 ? -1 : slot * Meta.PartitionSize + node % Meta.PartitionSize;
    }

    public override IReadOnlyList<(int Row, int Count)> ResidentRanges =>
        [.. Enumerable.Range(0, _slots).Where(s => _slotToPart[s] >= 0)
            .Select(s => (s * Meta.PartitionSize, Meta.NodesIn(_slotToPart[s])))];

    public override void Prefetch(int[] state)
    {
        WaitForPrefetch();
        var free = new Queue<int>(Enumerable.Range(0, _slots).Where(s => _slotToPart[s] < 0));
        var jobs = state.Where(p => _partToSlot[p] < 0).Take(free.Count).Select(p => (p, free.Dequeue())).ToList();
        if (jobs.Count == 0) return;
        _prefetch = Task.Run(() =>
        {
            foreach (var (p, slot) in jobs) Load(p, slot);
            return jobs;
        });
    }

    public override void Enter(int[] state)
    {
        var started = Stopwatch.GetTimestamp();
        WaitForPrefetch();
        var wanted = new HashSet<int>(state);
        for (var s = 0; s < _slots; s++)
            if (_slotToPart[s] >= 0 && !wanted.Contains(_slotToPart[s])) Evict(s);
        foreach (var p in state.Where(p => _partToSlot[p] < 0))
        {
            var slot = Array.IndexOf(_slotToPart, -1);
            if (slot < 0) throw new InvalidOperationException($"a state of {state.Length} partitions exceeds the " +
                $"buffer's {_slots} slots.");
            Load(p, slot);
            Map(p, slot);
        }
        _io.Waited(Stopwatch.GetTimestamp() - started);
    }

    private void WaitForPrefetch()
    {
        if (_prefetch is null) return;
        foreach (var (p, slot) in _prefetch.GetAwaiter().GetResult()) Map(p, slot);
        _prefetch = null;
    }

    private void Map(int partition, int slot)
    {
        _partToSlot[partition] = slot;
        _slotToPart[slot] = partition;
    }

    public override void Flush()
    {
        WaitForPrefetch();
        if (!_dirty) return;
        for (var s = 0; s < _slots; s++)
            if (_slotToPart[s] >= 0) Store(_slotToPart[s], s);
    }

    private void Evict(int slot)
    {
        if (_dirty) Store(_slotToPart[slot], slot);
        _partToSlot[_slotToPart[slot]] = -1;
        _slotToPart[slot] = -1;
    }

    private void Load(int partition, int slot)
    {
        foreach (var (array, file) in _files)
            DiskIo.ReadExactly(file, Span(array, partition, slot), FileOffset(partition), _io, _throttle);
    }

    private void Store(int partition, int slot)
    {
        foreach (var (array, file) in _files)
            DiskIo.Write(file, Span(array, partition, slot), FileOffset(partition), _io, _throttle);
    }

    private long FileOffset(int partition) => (long)partition * Meta.PartitionSize * _width * sizeof(float);

    private Span<byte> Span(float[] array, int partition, int slot) => MemoryMarshal.AsBytes(
        array.AsSpan(slot * Meta.PartitionSize * _width, Meta.NodesIn(partition) * _width));

    public override void Dispose()
    {
        try
        {
            WaitForPrefetch();
        }
        finally
        {
            Values.Dispose();
            Accumulators?.Dispose();
            foreach (var (_, file) in _files) file.Dispose();
        }
    }
}
