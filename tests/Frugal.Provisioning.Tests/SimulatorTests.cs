using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Tests;

public sealed class SimulatorTests
{
    private static SimJob Job(string id, long submit, int nodes, long limit, long? runtime = null) =>
        new(id, submit, limit, runtime ?? limit, nodes);

    private static QueueSimulator Run(int poolNodes, params SimJob[] jobs)
    {
        var simulator = new QueueSimulator(NodePools.Single(poolNodes));
        foreach (var job in jobs) simulator.Submit(job);
        simulator.RunToEnd();
        return simulator;
    }

    [Fact]
    public void BackfillStartsASmallJobEarlyWithoutDelayingTheHeadJobsReservation()
    {
        var running = Job("running", 0, nodes: 2, limit: 100);
        var head = Job("head", 1, nodes: 4, limit: 100);      // blocked: needs the whole pool, reserved at t = 100
        var shortJob = Job("short", 2, nodes: 1, limit: 50);  // fits the free nodes and ends (by its limit) before 100
        var longJob = Job("long", 3, nodes: 1, limit: 200);   // fits now too, but would still hold a node at 100
        Run(4, running, head, shortJob, longJob);

        Assert.Equal(0, running.Start);
        Assert.Equal(2, shortJob.Start);
        Assert.Equal(100, head.Start);
        Assert.Equal(head.End, longJob.Start);
    }

    [Fact]
    public void BackfillPlansOnTheRequestedLimitNotTheRuntime()
    {
        var running = Job("running", 0, nodes: 2, limit: 100);
        var head = Job("head", 1, nodes: 4, limit: 100);
        // It would really finish at 12, but Slurm only knows it may run 200 s, past the reservation.
        var optimistic = Job("optimistic", 2, nodes: 1, limit: 200, runtime: 10);
        Run(4, running, head, optimistic);

        Assert.Equal(100, head.Start);
        Assert.Equal(200, optimistic.Start);
    }

    [Fact]
    public void BackfillMayUseTheNodesTheHeadJobWillNotNeed()
    {
        var running = Job("running", 0, nodes: 2, limit: 100);
        var head = Job("head", 1, nodes: 4, limit: 100);       // at 100 it gets 4 of 5 nodes: 1 spare
        var onSpare = Job("spare", 2, nodes: 1, limit: 1000);
        var tooWide = Job("wide", 3, nodes: 2, limit: 1000);   // fits neither before 100 nor on the spare node
        Run(5, running, head, onSpare, tooWide);

        Assert.Equal(2, onSpare.Start);
        Assert.Equal(100, head.Start);
        Assert.Equal(200, tooWide.Start);
    }

    [Fact]
    public void EqualJobsStartOldestFirstAndNarrowerOnesWaitBehindWiderOnes()
    {
        var blocker = Job("blocker", 0, nodes: 2, limit: 100);
        var older = Job("older", 10, nodes: 2, limit: 1000);
        var younger = Job("younger", 20, nodes: 2, limit: 1000);
        // It would fit beside nothing: each wider job takes the whole pool, and the job-size factor ranks it below
        // them.
        var narrow = Job("narrow", 5, nodes: 1, limit: 5000);
        Run(2, blocker, older, younger, narrow);

        Assert.Equal(100, older.Start);
        Assert.Equal(1100, younger.Start);
        Assert.Equal(2100, narrow.Start);
    }

    [Fact]
    public void AgeCountsFromEligibilityNotSubmission()
    {
        var blocker = new SlurmJob("blocker", 0, 0, 0, 100, 100, 1);
        // Submitted first but eligible only at 50 (e.g. held by a dependency), so at 100 it is younger.
        var early = new SlurmJob("early", 10, 50, 500, 600, 100, 1);
        var late = new SlurmJob("late", 20, 20, 300, 400, 100, 1);
        var jobs = TraceReplay.Run([blocker, early, late], NodePools.Single(1));

        Assert.Equal(100, jobs[2].Start);
        Assert.Equal(200, jobs[1].Start);
    }

    [Fact]
    public void LoggedPrioritiesCanBeReplayedInsteadOfTheFormula()
    {
        var blocker = new SlurmJob("blocker", 0, 0, 0, 100, 100, 1);
        var older = new SlurmJob("older", 10, 10, 100, 200, 100, 1) { LoggedPriority = 10 };
        var favoured = new SlurmJob("favoured", 20, 20, 200, 300, 100, 1) { LoggedPriority = 900 };
        var byFormula = TraceReplay.Run([blocker, older, favoured], NodePools.Single(1));
        var replayed = TraceReplay.Run([blocker, older, favoured], NodePools.Single(1),
            new SchedulerOptions { ReplayLoggedPriority = true });

        Assert.Equal(100, byFormula[1].Start);
        Assert.Equal(100, replayed[2].Start);
        Assert.Equal(200, replayed[1].Start);
    }

    [Fact]
    public void WiderJobsGetTheJobSizeFactor()
    {
        var blocker = Job("blocker", 0, nodes: 4, limit: 100);
        var narrow = Job("narrow", 5, nodes: 1, limit: 100);
        var wide = Job("wide", 5, nodes: 4, limit: 100);
        Run(4, blocker, narrow, wide);

        Assert.Equal(100, wide.Start);
        Assert.Equal(200, narrow.Start);
    }

    [Fact]
    public void AnAfterAnyDependencyWaitsForThePredecessorsEnd()
    {
        var predecessor = Job("p", 0, nodes: 1, limit: 100);
        var successor = SimJob.After(predecessor, "s", 0, 100, 100, 1);
        Run(2, predecessor, successor);

        Assert.Equal(100, successor.Start);
        Assert.Equal(100, successor.Eligible);
    }

    [Fact]
    public void RuntimesAreCappedAtTheLimit()
    {
        var job = Job("over", 0, nodes: 1, limit: 100, runtime: 500);
        Run(1, job);

        Assert.Equal(100, job.RuntimeSeconds);
        Assert.Equal(100, job.End);
    }

    [Fact]
    public void NodePoolsQueueSeparately()
    {
        var pools = NodePools.Parse("gpu=1,cpu=1");
        var simulator = new QueueSimulator(pools);
        var gpuBusy = new SimJob("g1", 0, 100, 100, 1, "gpu");
        var gpuWaits = new SimJob("g2", 1, 100, 100, 1, "gpu");
        var cpu = new SimJob("c1", 2, 100, 100, 1, "cpu");
        foreach (var j in new[] { gpuBusy, gpuWaits, cpu }) simulator.Submit(j);
        simulator.RunToEnd();

        Assert.Equal(100, gpuWaits.Start);
        Assert.Equal(2, cpu.Start);
    }

    [Fact]
    public void AJobWiderThanItsPoolIsRejected()
    {
        var simulator = new QueueSimulator(NodePools.Single(4));
        var e = Assert.Throws<ArgumentException>(() => simulator.Submit(Job("huge", 0, nodes: 5, limit: 10)));
        Assert.Contains("5 nodes", e.Message);
    }

    [Fact]
    public void MeanWaitCoversTheLastJobsToStart()
    {
        var simulator = Run(1, Job("a", 0, 1, 100), Job("b", 0, 1, 100), Job("c", 0, 1, 100));
        Assert.Equal((0 + 100 + 200) / 3.0, simulator.MeanWaitOfLastStarted(100));
        Assert.Equal((100 + 200) / 2.0, simulator.MeanWaitOfLastStarted(2));
    }

    [Fact]
    public void KsDistanceIsTheLargestGapBetweenTheEmpiricalCdfs()
    {
        Assert.Equal(0, WaitValidation.KsDistance([1, 2, 3], [3, 2, 1]));
        Assert.Equal(1, WaitValidation.KsDistance([1, 2], [5, 6, 7]));
        // At x = 2: 2/4 of the first sample and 0/2 of the second lie at or below.
        Assert.Equal(0.5, WaitValidation.KsDistance([1, 2, 3, 4], [2.5, 3.5]), 12);
    }
}
