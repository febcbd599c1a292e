using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Slurm;
using Frugal.Provisioning.Traces;
using Xunit.Abstractions;

namespace Frugal.Provisioning.Tests;

public sealed class SlurmIntegrationTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void TheWatcherSubmitsTheSuccessorWhileThePredecessorRunsAndItStartsWhenThePredecessorEnds()
    {
        var reason = LocalSlurm.Unavailable();
        if (reason is not null) output.WriteLine($"skipped: {reason}");
        Skip.If(reason is not null, reason);

        using var cluster = new LocalSlurm();
        var slurm = new SlurmCommands(cluster.CommandEnvironment, cluster.JobDirectory);
        // Both jobs take both CPUs, so the successor can only start once the predecessor is done.
        var predecessor = slurm.Submit(new SubmitRequest("predecessor", 1, 1, "sleep 20") { Tasks = 2 });
        LocalSlurm.WaitUntil(() => slurm.Queue().Any(j => j.Id == predecessor && j.IsRunning),
            "the predecessor to start");

        // A 1-minute limit with a 50-second lead: the reactive deadline falls 10 s into the predecessor's 20-second
        // run.
        var watcher = new ChainWatcher(slurm, new ReactiveMethod(),
            new WatchOptions { Interval = TimeSpan.FromSeconds(1), Lead = TimeSpan.FromSeconds(50) });
        var successor = watcher.Watch(predecessor, new SubmitRequest("successor", 1, 1, "sleep 2") { Tasks = 2 })
            .Successor;

        LocalSlurm.WaitUntil(() => File.Exists(cluster.JobCompLog) && File.ReadAllLines(cluster.JobCompLog).Length >= 2,
            "both jobs to finish");
        var jobs = TraceReaders.Read(cluster.JobCompLog, "jobcomp").Jobs.ToDictionary(j => j.Id);
        var p = jobs[predecessor];
        var s = jobs[successor];
        output.WriteLine($"predecessor {p.Start}..{p.End}, successor submitted {s.Submit}, started {s.Start}");
        // The order of events, not their timing: submitted while the predecessor ran, started once it ended.
        Assert.InRange(s.Submit, p.Start, p.End);
        Assert.True(s.Start >= p.End, "the successor started before its predecessor freed the CPUs");
    }
}
