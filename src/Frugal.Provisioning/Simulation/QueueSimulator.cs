namespace Frugal.Provisioning.Simulation;

/// <summary>
/// An event-driven Slurm queue: submissions, eligibility and job ends are the only moments the
/// queue can change, so it jumps from one to the next instead of stepping every minute. At each
/// event every partition runs one pass: pending eligible jobs start strictly in multifactor
/// priority order until one does not fit; that head job gets a reservation at the earliest time
/// enough nodes free up, planned on running jobs' requested limits; then later jobs backfill if
/// they fit now and either end (by their limit) before the reservation or use only the nodes
/// the head job will not need (EASY backfill). Runtimes, replayed and capped at the limit, only
/// decide when nodes really free up.
/// </summary>
internal sealed class QueueSimulator
{
    private readonly SchedulerOptions _options;
    private readonly Dictionary<string, Pool> _pools = new(StringComparer.Ordinal);
    private readonly PriorityQueue<SimJob, (long Time, long Sequence)> _arrivals = new();
    private readonly PriorityQueue<SimJob, (long Time, long Sequence)> _ends = new();
    private readonly PriorityQueue<long, long> _wakeups = new();
    private readonly Dictionary<SimJob, List<SimJob>> _dependents = new(ReferenceEqualityComparer.Instance);
    private readonly List<SimJob> _started = [];
    private long _sequence;

    public QueueSimulator(NodePools pools, SchedulerOptions? options = null, long startTime = 0)
    {
        _options = options ?? SchedulerOptions.Default;
        _options.Validate();
        foreach (var name in pools.Names) _pools[name] = new Pool(pools.NodesOf(name));
        Now = startTime;
    }

    public long Now { get; private set; }

    /// <summary>Jobs submitted and not yet started, eligible or not, in every partition.</summary>
    public IEnumerable<SimJob> Pending => _pools.Values.SelectMany(p => p.Pending);

    public IEnumerable<SimJob> Running => _pools.Values.SelectMany(p => p.Running);

    /// <summary>Every job started so far, in start order.</summary>
    public IReadOnlyList<SimJob> Started => _started;

    /// <summary>Queues a job; it enters the queue at its submit time.</summary>
    /// <exception cref="ArgumentException">It is submitted in the past, or asks for more nodes than its pool
    /// has.</exception>
    /// <exception cref="KeyNotFoundException">No pool serves its partition.</exception>
    public void Submit(SimJob job)
    {
        if (job.Submit
            < Now) throw new ArgumentException(
            $"job {job.Id} is submitted at {job.Submit}, before the simulator's clock ({Now}).");
        if (!_pools.TryGetValue(job.Partition, out var pool))
            throw new KeyNotFoundException($"job {job.Id}: no node pool for partition '{job.Partition}' " +
                $"(pools: {string.Join(", ", _pools.Keys)}).");
        if (job.Nodes
            > pool.Total) throw new ArgumentException(
            $"job {job.Id} asks for {job.Nodes} nodes; its pool '{job.Partition}' has {pool.Total}.");
        if (job.AfterAny is { } predecessor)
        {
            if (predecessor.End is { } end && end <= job.Submit) job.Eligible = job.Submit;
            else
            {
                if (!_dependents.TryGetValue(predecessor, out var list)) _dependents[predecessor] = list = [];
                list.Add(job);
            }
        }
        _arrivals.Enqueue(job, (job.Submit, _sequence++));
    }

    /// <summary>Processes every event up to and including <paramref name="time"/>, then sets the clock to it.</summary>
    public void AdvanceTo(long time)
    {
        if (time < Now) throw new ArgumentException($"cannot go back from {Now} to {time}.");
        while (NextEventTime() is { } next && next <= time) Step();
        Now = time;
    }

    /// <summary>Runs events until <paramref name="done"/> holds.</summary>
    /// <exception cref="InvalidOperationException">Every event ran out first.</exception>
    public void RunUntil(Func<bool> done)
    {
        while (!done())
            if (!Step()) throw new InvalidOperationException(
                "the queue ran out of events before the awaited state was reached.");
    }

    /// <summary>Runs until every submitted job has ended.</summary>
    public void RunToEnd()
    {
        while (Step()) { }
    }

    /// <summary>The mean queue wait of the last <paramref name="count"/> jobs to start (0 before any has).</summary>
    public double MeanWaitOfLastStarted(int count)
    {
        var n = Math.Min(count, _started.Count);
        if (n == 0) return 0;
        double sum = 0;
        for (var i = _started.Count - n; i < _started.Count; i++) sum += _started[i].WaitSeconds!.Value;
        return sum / n;
    }

    private long? NextEventTime()
    {
        long? next = null;
        if (_arrivals.TryPeek(out _, out var a)) next = a.Time;
        if (_ends.TryPeek(out _, out var e) && (next is null || e.Time < next)) next = e.Time;
        if (_wakeups.TryPeek(out _, out var w) && (next is null || w < next)) next = w;
        return next;
    }

    /// <summary>
    /// Applies every event at the next event time and runs one scheduling pass; false when no event is left.
    /// </summary>
    private bool Step()
    {
        if (NextEventTime() is not { } t) return false;
        Now = Math.Max(Now, t);
        while (_ends.TryPeek(out var job, out var end) && end.Time <= t)
        {
            _ends.Dequeue();
            var pool = _pools[job.Partition];
            pool.Free += job.Nodes;
            pool.Running.Remove(job);
            if (_dependents.Remove(job, out var dependents))
                foreach (var d in dependents) d.Eligible = Now;
        }
        while (_arrivals.TryPeek(out var job, out var arrival) && arrival.Time <= t)
        {
            _arrivals.Dequeue();
            _pools[job.Partition].Pending.Add(job);
            if (job.Eligible is { } e && e > Now) _wakeups.Enqueue(e, e);
        }
        while (_wakeups.TryPeek(out _, out var w) && w <= t) _wakeups.Dequeue();
        foreach (var pool in _pools.Values) Schedule(pool);
        return true;
    }

    private void Schedule(Pool pool)
    {
        // Every job needs at least one node, so a full pool can start nothing.
        if (pool.Free == 0 || pool.Pending.Count == 0) return;
        var order = pool.Pending.Where(j => j.Eligible is { } e && e <= Now).ToList();
        if (order.Count == 0) return;
        var priority = new Dictionary<SimJob, double>(order.Count, ReferenceEqualityComparer.Instance);
        foreach (var j in order) priority[j] = Priority(j, pool);
        // Ties go to the earlier submission, as Slurm's queue order does.
        order.Sort((x, y) =>
        {
            var c = priority[y].CompareTo(priority[x]);
            return c != 0 ? c : x.Submit.CompareTo(y.Submit);
        });

        var i = 0;
        for (; i < order.Count && order[i].Nodes <= pool.Free; i++) Start(order[i], pool);
        if (i < order.Count) Backfill(order, i, pool);
        pool.Pending.RemoveAll(j => j.Start is not null);
    }

    private void Backfill(List<SimJob> order, int headIndex, Pool pool)
    {
        var head = order[headIndex];
        var (shadow, spare) = Reservation(head, pool);
        var reserved = shadow - Now <= _options.BackfillWindowSeconds;
        var tested = 0;
        for (var k = headIndex + 1; k < order.Count && pool.Free > 0; k++)
        {
            if (tested++ >= _options.BackfillMaxJobTest) break;
            var job = order[k];
            if (job.Nodes > pool.Free) continue;
            if (!reserved || Now + job.LimitSeconds <= shadow) Start(job, pool);
            else if (job.Nodes <= spare)
            {
                Start(job, pool);
                spare -= job.Nodes;
            }
        }
    }

    /// <summary>
    /// The head job's reservation: the earliest time running jobs, ending at their requested
    /// limits, free enough nodes for it, and how many nodes beyond its need are free then.
    /// </summary>
    private (long Shadow, int Spare) Reservation(SimJob head, Pool pool)
    {
        var available = pool.Free;
        foreach (var r in pool.Running.OrderBy(r => r.PlannedEnd))
        {
            available += r.Nodes;
            if (available >= head.Nodes) return (r.PlannedEnd, available - head.Nodes);
        }
        // Unreachable while no job asks for more nodes than its pool (Submit checks that).
        throw new InvalidOperationException($"job {head.Id} can never fit its pool.");
    }

    private double Priority(SimJob job, Pool pool)
    {
        if (_options.ReplayLoggedPriority && job.FixedPriority is { } fixedPriority) return fixedPriority;
        // Age accrues from eligibility, so a job held by a dependency starts young when released.
        var age = (double)(Now - job.Eligible!.Value) / _options.MaxAgeSeconds;
        if (_options.CapAge) age = Math.Min(1, age);
        return _options.AgeWeight * age + _options.JobSizeWeight * job.Nodes / pool.Total;
    }

    private void Start(SimJob job, Pool pool)
    {
        job.Start = Now;
        pool.Free -= job.Nodes;
        pool.Running.Add(job);
        _ends.Enqueue(job, (job.End!.Value, _sequence++));
        _started.Add(job);
    }

    private sealed class Pool(int total)
    {
        public int Total { get; } = total;
        public int Free { get; set; } = total;
        public List<SimJob> Pending { get; } = [];
        public List<SimJob> Running { get; } = [];
    }
}
