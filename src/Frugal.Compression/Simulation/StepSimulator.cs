using Frugal.Core.Catalogs;

namespace Frugal.Compression.Simulation;

/// <summary>The order in which a pipeline stage runs its micro-batches' forward and backward passes.</summary>
public enum PipelineSchedule
{
    /// <summary>Every forward, then every backward in reverse order.</summary>
    GPipe,

    /// <summary>S − s − 1 warm-up forwards, then one forward and one backward in turn, then the remaining backwards.
    /// </summary>
    OneForwardOneBackward,
}

/// <summary>The simulated step: its length and what its critical path is made of.</summary>
/// <param name="Makespan">Seconds from the first forward to the last backward.</param>
/// <param name="Compute">Compute on the critical path, in seconds.</param>
/// <param name="Codec">Encoding and decoding on the critical path.</param>
/// <param name="Communication">Communication on the critical path (collectives, messages and waits for a busy
/// link).</param>
public sealed record StepTimeline(double Makespan, double Compute, double Codec, double Communication)
{
    /// <summary>Communication on the critical path ÷ makespan.</summary>
    public double CommunicationShare => Makespan > 0 ? Communication / Makespan : 0;
}

/// <summary>
/// Replays a measured <see cref="StepProfile"/> on modelled links (design §6.3), as discrete events: each stage runs
/// its
/// passes in schedule order; a forward waits for its activation, a backward for its gradient; each directed link
/// between stages carries one message at a time, first come first served; the collectives of a pass hold its stage's
/// ranks together. The critical path is walked back from the last pass to split the makespan.
/// </summary>
public static class StepSimulator
{
    /// <summary>Schedules by name: <c>gpipe</c>, <c>1f1b</c>.</summary>
    public static Catalog<PipelineSchedule> Schedules { get; } = new Catalog<PipelineSchedule>("schedule")
        .Add("gpipe", PipelineSchedule.GPipe, "all forwards, then all backwards")
        .Add("1f1b", PipelineSchedule.OneForwardOneBackward, "one forward, one backward in turn");

    /// <summary>The passes of <paramref name="stage"/> in order: (forward?, micro-batch).</summary>
    public static IReadOnlyList<(bool Forward, int MicroBatch)> Order(PipelineSchedule schedule, int stage,
        int stages, int microBatches)
    {
        var order = new List<(bool, int)>();
        if (schedule == PipelineSchedule.GPipe)
        {
            for (var m = 0; m < microBatches; m++) order.Add((true, m));
            for (var m = microBatches - 1; m >= 0; m--) order.Add((false, m));
            return order;
        }
        var warmup = Math.Min(stages - stage - 1, microBatches);
        var (nextForward, nextBackward) = (0, 0);
        for (; nextForward < warmup; nextForward++) order.Add((true, nextForward));
        while (nextBackward < microBatches)
        {
            if (nextForward < microBatches) order.Add((true, nextForward++));
            order.Add((false, nextBackward++));
        }
        return order;
    }

    private sealed class Pass
    {
        public double Start, End, Compute, Codec, Communication;
        public Pass? After;          // the stage's previous pass, when it set the start
        public Pass? Sender;         // the pass whose message set the start
        public double MessageTime;   // from the sender's end to the arrival (transfer and link queue)
    }

    /// <summary>Simulates <paramref name="profile"/> on <paramref name="network"/> under
    /// <paramref name="schedule"/>.</summary>
    public static StepTimeline Simulate(StepProfile profile, Network network, PipelineSchedule schedule)
    {
        var (stages, micro, t) = (profile.Stages, profile.MicroBatches, profile.TensorParallel);
        var orders = Enumerable.Range(0, stages).Select(s => Order(schedule, s, stages, micro)).ToArray();
        var forward = new Pass?[stages, micro];
        var backward = new Pass?[stages, micro];
        var activationArrives = new double[stages, micro];
        var gradientArrives = new double[stages, micro];
        var next = new int[stages];
        var stageFree = new double[stages];
        var lastPass = new Pass?[stages];
        var downFree = new double[stages]; // link s → s+1
        var upFree = new double[stages];   // link s → s−1
        var remaining = orders.Sum(o => o.Count);
        while (remaining > 0)
        {
            var progressed = false;
            for (var s = 0; s < stages; s++)
            {
                while (next[s] < orders[s].Count)
                {
                    var (isForward, m) = orders[s][next[s]];
                    // A forward waits for the previous stage's activation, a backward for the next stage's gradient.
                    var waits = isForward ? s > 0 : s < stages - 1;
                    var sender = !waits ? null : isForward ? forward[s - 1, m] : backward[s + 1, m];
                    if (waits && sender is null) break;
                    var work = profile[s, m];
                    var pass = new Pass();
                    double arrival = 0;
                    if (isForward && s > 0) arrival = activationArrives[s, m];
                    else if (!isForward && s < stages - 1) arrival = gradientArrives[s, m];
                    if (sender is not null && arrival > stageFree[s])
                    {
                        pass.Start = arrival;
                        pass.Sender = sender;
                        pass.MessageTime = arrival - sender.End;
                    }
                    else
                    {
                        pass.Start = stageFree[s];
                        pass.After = lastPass[s];
                    }
                    if (isForward)
                    {
                        pass.Compute = work.ForwardCompute;
                        pass.Codec = work.ForwardCollectives.Sum(c => c.EncodeSeconds + c.DecodeSeconds)
                            + (s > 0 ? profile[s - 1, m].Activation!.DecodeSeconds : 0)
                            + (work.Activation?.EncodeSeconds ?? 0);
                        pass.Communication = work.ForwardCollectives.Sum(c => network.TensorParallel.Time(c, t));
                    }
                    else
                    {
                        pass.Compute = work.BackwardCompute;
                        pass.Codec = work.BackwardCollectives.Sum(c => c.EncodeSeconds + c.DecodeSeconds)
                            + (s < stages - 1 ? profile[s + 1, m].Gradient?.DecodeSeconds ?? 0 : 0)
                            + (work.Gradient?.EncodeSeconds ?? 0);
                        pass.Communication = work.BackwardCollectives.Sum(c => network.TensorParallel.Time(c, t));
                    }
                    pass.End = pass.Start + pass.Compute + pass.Codec + pass.Communication;
                    if (isForward && s < stages - 1)
                    {
                        var begin = Math.Max(pass.End, downFree[s]);
                        downFree[s] = activationArrives[s + 1, m] =
                            begin + network.Pipeline.PointToPoint(work.Activation!.Bytes);
                    }
                    if (!isForward && s > 0)
                    {
                        var begin = Math.Max(pass.End, upFree[s]);
                        upFree[s] = gradientArrives[s - 1, m] =
                            begin + network.Pipeline.PointToPoint(work.Gradient!.Bytes);
                    }
                    if (isForward) forward[s, m] = pass;
                    else backward[s, m] = pass;
                    stageFree[s] = pass.End;
                    lastPass[s] = pass;
                    next[s]++;
                    remaining--;
                    progressed = true;
                }
            }
            if (!progressed) throw new InvalidOperationException("the pipeline schedule deadlocked");
        }
        var last = lastPass.OfType<Pass>().MaxBy(p => p.End)!;
        double compute = 0, codec = 0, communication = 0;
        for (var p = last; p is not null; p = p.Sender ?? p.After)
        {
            compute += p.Compute;
            codec += p.Codec;
            communication += p.Communication + p.MessageTime;
        }
        return new StepTimeline(last.End, compute, codec, communication);
    }
}
