using Frugal.Scheduling.Simulation;

namespace Frugal.Scheduling.Iteration;

/// <summary>
/// The cluster's GPUs numbered 0..G−1, one contiguous range per GPU type in the cluster's (ordinal) order. A job's
/// workers all sit on GPUs of one type, as in the round simulator.
/// </summary>
internal sealed class GpuPools
{
    private readonly Dictionary<string, (int First, int Count)> _ranges = [];
    private readonly string[] _typeOf;

    public GpuPools(ClusterSpec cluster)
    {
        Cluster = cluster;
        Types = [.. cluster.WorkerTypes];
        var next = 0;
        foreach (var type in Types)
        {
            _ranges[type] = (next, cluster.Gpus[type]);
            next += cluster.Gpus[type];
        }
        _typeOf = [.. Types.SelectMany(t => Enumerable.Repeat(t, cluster.Gpus[t]))];
    }

    public ClusterSpec Cluster { get; }

    /// <summary>The GPU types, in the cluster's order.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>G: all GPUs.</summary>
    public int Total => _typeOf.Length;

    /// <summary>The type of GPU <paramref name="gpu"/>.</summary>
    public string TypeOf(int gpu) => _typeOf[gpu];

    /// <summary>The GPUs of <paramref name="type"/>.</summary>
    public int Count(string type) => _ranges[type].Count;

    /// <summary>The GPUs of <paramref name="type"/> in <paramref name="gpus"/>, lowest first.</summary>
    public SortedSet<int> Of(string type, SortedSet<int> gpus)
    {
        var (first, count) = _ranges[type];
        return gpus.GetViewBetween(first, first + count - 1);
    }
}
