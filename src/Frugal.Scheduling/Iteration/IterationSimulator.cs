using System.Diagnostics;
using Frugal.Core.Errors;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Iteration;

/// <summary>One change in the event log: a job starts, moves, changes σ, stops or finishes.</summary>
/// <param name="Seconds">When, in simulated seconds.</param>
/// <param name="JobId">The job.</param>
/// <param name="Kind">start, change, stop or finish.</param>
/// <param name="Sigma">Its σ from then on (0 when stopped).</param>
/// <param name="Gpus">Its GPUs from then on, e.g. <c>0,1</c> (empty when stopped).</param>
public sealed record IterationEvent(double Seconds, int JobId, string Kind, double Sigma, string Gpus);

/// <summary>What an iteration-level simulation gave.</summary>
/// <param name="Simulation">Jobs, decision intervals (as rounds) and the round simulator's metrics.</param>
/// <param name="Efficiency">Cluster efficiency and the other JigSaw metrics (§4.4).</param>
/// <param name="Events">Every placement change, in order.</param>
public sealed record IterationSimulationResult(SimulationResult Simulation, EfficiencyReport Efficiency,
    IReadOnlyList<IterationEvent> Events);

/// <summary>
/// The iteration-level simulator (§4.1): discrete events at iteration boundaries, advancing every running job by
/// whole stretches of iterations while its σ, GPUs and co-runners stay the same. It re-decides on an arrival, a
/// completion, a batch-size change and every Q iterations of the slowest running job. It shares the trace, job
/// model (batch-size schedules, epochs) and throughputs with the round simulator; a job runs on GPUs of one type,
/// at that type's throughputs.
/// </summary>
/// <param name="throughputs">The measured throughputs (σ = 0) per GPU type the SPB model is anchored to.</param>
/// <param name="cluster">The GPUs per type.</param>
/// <param name="profiles">The SPB block profiles of the models.</param>
/// <param name="options">JigSaw's and the simulator's settings.</param>
public sealed class IterationSimulator(ThroughputTable throughputs, ClusterSpec cluster, SpbProfiles profiles,
    JigSawOptions options)
{
    /// <summary>The name of JigSaw's runs: <c>jigsaw-fifo</c> and so on.</summary>
    public static string JigSawName(BaseOrder order) => $"jigsaw-{JigSawOptions.Orders.Names[(int)order]}";

    /// <summary>The name of the baseline's runs: <c>fifo-iteration</c> and so on.</summary>
    public static string BaselineName(BaseOrder order) => $"{JigSawOptions.Orders.Names[(int)order]}-iteration";

    /// <summary>Simulates <paramref name="trace"/> under JigSaw (<paramref name="spb"/> false: the baseline).</summary>
    /// <exception cref="BadInputException">
    /// A setting out of range, a job that fits no GPU type of the cluster (too wide, or without throughputs),
    /// a job type without profile.
    /// </exception>
    public IterationSimulationResult Run(IReadOnlyList<JobSpec> trace, bool spb, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        options.Validate();
        if (trace.Count == 0) throw new ArgumentException("the trace has no jobs.", nameof(trace));
        var pools = new GpuPools(cluster);
        var gpus = pools.Total;
        IIterationPolicy policy = spb
            ? new JigSawPolicy(JigSawName(options.Order), pools, options)
            : new GangPolicy(BaselineName(options.Order), pools, options);
        var clock = Stopwatch.StartNew();
        var jobs = trace.Select(s => new IterationJob(s, throughputs, pools, profiles, options)).ToArray();
        var run = new RunState(jobs, gpus, options, new CoLocationModel(gpus, options));
        run.Simulate(policy, progress, cancellation);

        var outcomes = jobs.Select(j => new JobOutcome(j.Id, j.Spec.Type.ToString(), j.Workers,
            j.Spec.Mode.TraceName(), j.Spec.ArrivalSeconds, j.Start!.Value, j.Completion!.Value,
            j.AttainedGpuSeconds, j.IntervalsPlaced, j.IsolatedSeconds, j.ActiveJobsSum / j.IntervalsPresent))
            .ToArray();
        var metrics = ScheduleMetrics.From(outcomes, run.Rounds, gpus);
        var efficiency = EfficiencyReport.From(jobs, run, gpus, metrics.MakespanSeconds, options);
        var simulation = new SimulationResult(policy.Name, cluster,
            new SimulationOptions { RoundSeconds = 0, RestartOverheadSeconds = options.RestartOverheadSeconds },
            outcomes, run.Rounds, metrics, clock.Elapsed, efficiency.Statistics());
        return new IterationSimulationResult(simulation, efficiency, run.Events);
    }

    /// <summary>The state of one simulation.</summary>
    internal sealed class RunState(IterationJob[] jobs, int gpus, JigSawOptions options, CoLocationModel model)
    {
        private readonly Dictionary<int, (double Sigma, string Gpus)> _where = [];

        public List<RoundRecord> Rounds { get; } = [];
        public List<IterationEvent> Events { get; } = [];
        public double ComputeGpuSeconds { get; private set; }
        public double MemoryGpuSeconds { get; private set; }
        public double SharedGpuSeconds { get; private set; }

        /// <summary>The largest busy share and memory any GPU had in any interval (T6).</summary>
        public double PeakBusy { get; private set; }
        public double PeakSharedMemory { get; private set; }

        public void Simulate(IIterationPolicy policy, IProgress<double>? progress,
            CancellationToken cancellation)
        {
            var waiting = new Queue<IterationJob>(jobs.OrderBy(j => j.Spec.ArrivalSeconds).ThenBy(j => j.Id));
            var active = new List<IterationJob>();
            var now = waiting.Peek().Spec.ArrivalSeconds;
            var finished = 0;
            while (finished < jobs.Length)
            {
                cancellation.ThrowIfCancellationRequested();
                while (waiting.Count > 0 && waiting.Peek().Spec.ArrivalSeconds <= now) active.Add(waiting.Dequeue());
                if (active.Count == 0)
                {
                    now = waiting.Peek().Spec.ArrivalSeconds;
                    continue;
                }
                foreach (var job in active) job.CountPresence(active.Count);
                var placements = Plan(policy, Order(active));
                var placed = placements.Select(p => p.Job).ToHashSet();
                foreach (var job in active)
                    if (placed.Contains(job)) job.Place();
                    else job.Pause();
                Log(now, placements, active);

                var end = waiting.Count > 0 ? waiting.Peek().Spec.ArrivalSeconds : double.PositiveInfinity;
                if (placements.Length > 0)
                {
                    // Q iterations of the slowest job actually run: a restart's overhead comes first.
                    end = Math.Min(end, now + placements.Max(p =>
                        p.Job.OverheadLeft + options.DecisionIterations * p.IterationSeconds));
                    foreach (var p in placements)
                        end = Math.Min(end, now + p.Job.SecondsToNextEvent(p.IterationSeconds, p.Demand.Progress));
                }
                if (double.IsPositiveInfinity(end))
                    throw new InvalidOperationException(
                        $"policy '{policy.Name}' placed none of {active.Count} jobs with no arrival to come.");
                var seconds = Math.Max(end - now, 0);
                Account(now, seconds, placements);
                now = end;
                foreach (var job in active.Where(j => j.Finished))
                    Events.Add(new IterationEvent(job.Completion!.Value, job.Id, "finish", 0, ""));
                foreach (var job in active.Where(j => j.Finished)) _where.Remove(job.Id);
                finished += active.RemoveAll(j => j.Finished);
                progress?.Report(finished / (double)jobs.Length);
            }
        }

        /// <summary>
        /// A plan depends only on the ordered jobs and their batch sizes (their demands): when neither changed
        /// since the last decision, the last plan stands, which saves re-planning at most periodic decisions.
        /// </summary>
        private JobPlacement[] Plan(IIterationPolicy policy, IReadOnlyList<IterationJob> ordered)
        {
            var key = ordered.Select(j => (j.Id, j.BatchSize)).ToArray();
            if (_lastKey is not null && key.AsSpan().SequenceEqual(_lastKey)) return _lastPlan;
            _lastKey = key;
            return _lastPlan = policy.Plan(ordered);
        }

        private (int, int)[]? _lastKey;
        private JobPlacement[] _lastPlan = [];

        private IReadOnlyList<IterationJob> Order(List<IterationJob> active) => options.Order switch
        {
            // Attained service in whole quanta (as Tiresias' discretised LAS), so two jobs do not swap at every
            // decision and pay a restart each time.
            BaseOrder.Las => [.. active.OrderBy(j => Math.Floor(j.AttainedGpuSeconds / options.LasQuantumGpuSeconds))
                .ThenBy(j => j.Spec.ArrivalSeconds).ThenBy(j => j.Id)],
            BaseOrder.Srtf => [.. active.OrderBy(j => j.RemainingIsolatedSeconds).ThenBy(j => j.Spec.ArrivalSeconds)
                .ThenBy(j => j.Id)],
            _ => [.. active.OrderBy(j => j.Spec.ArrivalSeconds).ThenBy(j => j.Id)],
        };

        private void Log(double now, JobPlacement[] placements, List<IterationJob> active)
        {
            var placedNow = placements.ToDictionary(p => p.Job.Id,
                p => (p.Demand.Sigma, string.Join(",", p.Planned.Gpus)));
            foreach (var job in active)
            {
                var was = _where.TryGetValue(job.Id, out var before);
                if (placedNow.TryGetValue(job.Id, out var after))
                {
                    if (!was || before != after)
                        Events.Add(new IterationEvent(now, job.Id, was ? "change" : "start", after.Sigma, after.Item2));
                    _where[job.Id] = after;
                }
                else if (was)
                {
                    Events.Add(new IterationEvent(now, job.Id, "stop", 0, ""));
                    _where.Remove(job.Id);
                }
            }
        }

        private void Account(double now, double seconds, JobPlacement[] placements)
        {
            model.Place([.. placements.Select(p => p.Planned)], out var load);
            double held = 0, training = 0;
            for (var g = 0; g < gpus; g++)
            {
                if (load.Jobs[g] == 0) continue;
                var busy = model.Busy(load, g);
                PeakBusy = Math.Max(PeakBusy, busy);
                if (load.Jobs[g] > 1)
                {
                    PeakSharedMemory = Math.Max(PeakSharedMemory, load.Memory[g]);
                    SharedGpuSeconds += seconds;
                }
                held += seconds;
                training += busy * seconds;
                MemoryGpuSeconds += Math.Min(1, load.Memory[g] / options.GpuMemoryBytes) * seconds;
            }
            ComputeGpuSeconds += training;
            foreach (var p in placements) p.Job.Run(now, seconds, p.IterationSeconds, p.Demand);
            Rounds.Add(new RoundRecord(Rounds.Count, now, seconds,
                [.. placements.Select(p => (p.Job.Id, p.Demand.Worker, p.Job.Workers))], held, training));
        }
    }
}
