using Frugal.Core.Errors;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Slurm;

namespace Frugal.Provisioning.Tests;

/// <summary><see cref="SlurmCommands"/> and <see cref="ChainWatcher"/> against scripts standing in for squeue and
/// sbatch.</summary>
[Collection(PathCollection.Name)]
public sealed class SlurmCommandTests
{
    private const long T0 = 1_700_000_000;

    /// <summary>A clock that moves <paramref name="step"/> seconds each time the watcher reads it.</summary>
    private static Func<long> Clock(long step)
    {
        var now = T0 - step;
        return () => now += step;
    }

    private static WatchOptions Fast(long clockStep) =>
        new() { Interval = TimeSpan.FromMilliseconds(1), Lead = TimeSpan.FromSeconds(60), Clock = Clock(clockStep) };

    private static readonly SubmitRequest Next = new("next", 1, 600, "run.sh");

    [Fact]
    public void TheQueueIsReadAndASuccessorSubmittedAsItsPredecessor()
    {
        using var slurm = new FakeSlurm();
        slurm.Queue(1, last: true, FakeSlurm.Job(17, "RUNNING", T0 - 600, T0 - 300, 120, nodes: 2, name: "serve"),
            FakeSlurm.Job(18, "PENDING", T0 - 60, 0, 30));
        var commands = new SlurmCommands();

        var predecessor = commands.Find("17");
        Assert.Equal(new QueuedJob("17", "serve", "RUNNING", T0 - 600, T0 - 600, T0 - 300, 7200, 2), predecessor);
        Assert.True(commands.Queue()[1].IsPending);
        Assert.Equal(SlurmCommands.JobSetting, Assert.Throws<BadInputException>(() => commands.Find("99")).Setting);

        var successor = SubmitRequest.SuccessorOf(predecessor, "python serve.py --resume") with { AfterAny = "17" };
        var id = commands.Submit(successor);
        Assert.Equal("4242", id);
        Assert.Equal(
            ["--parsable", "-J", "serve", "-N", "2", "-t", "120", "--dependency=afterany:17",
                "--wrap", "python serve.py --resume"],
            slurm.SubmittedArguments!);
    }

    [Fact]
    public void TheWatcherPollsUntilTheReactiveDeadlineThenSubmits()
    {
        using var slurm = new FakeSlurm();
        // Started 50 minutes ago with a 60-minute limit: it ends at T0 + 600, so with a 60-second
        // lead the deadline is T0 + 540, reached at the third decision, 300 s apart.
        slurm.Queue(1, last: true, FakeSlurm.Job(17, "RUNNING", T0 - 3600, T0 - 3000, 60));
        var result = new ChainWatcher(new SlurmCommands(), new ReactiveMethod(), Fast(300))
            .Watch("17", new SubmitRequest("next", 1, 60, "run.sh"));
        Assert.Equal(new WatchResult("reactive", "17", "4242"), result);
        Assert.Equal(3, slurm.QueueCalls);
        Assert.Equal("next", slurm.SubmittedArguments![2]);
    }

    [Fact]
    public void ThePredecessorLeavingTheQueueSubmitsAtOnce()
    {
        using var slurm = new FakeSlurm();
        slurm.Queue(1, last: false, FakeSlurm.Job(17, "PENDING", T0 - 60, 0, 600));
        slurm.Queue(2, last: true, FakeSlurm.Job(17, "CANCELLED", T0 - 60, 0, 600));
        var result = new ChainWatcher(new SlurmCommands(), new ReactiveMethod(), Fast(60)).Watch("17", Next);
        Assert.Equal("4242", result.Successor);
        Assert.Equal(2, slurm.QueueCalls);
    }

    [Fact]
    public void TheDependencyMethodSubmitsWithoutReadingTheQueue()
    {
        using var slurm = new FakeSlurm();
        var result = new ChainWatcher(new SlurmCommands(), new DependencyMethod(), Fast(60)).Watch("17", Next);
        Assert.Equal("4242", result.Successor);
        Assert.Equal(0, slurm.QueueCalls);
        Assert.Contains("--dependency=afterany:17", slurm.SubmittedArguments!);
    }

    [Fact]
    public void AFailedSubmissionCarriesSlurmsError()
    {
        using var slurm = new FakeSlurm();
        const string error = "sbatch: error: Batch job submission failed: Invalid account";
        slurm.FailSubmissions(error);
        var e = Assert.Throws<SlurmException>(() => new SlurmCommands().Submit(Next));
        Assert.Equal($"sbatch exited with 1: {error}", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void AQueueThatCannotBeReadIsASlurmError()
    {
        using var slurm = new FakeSlurm();
        File.WriteAllText(Path.Combine(slurm.Folder, "queue.last.json"), "{\"jobs\": [{\"job_id\": \"x\"}]}");
        var e = Assert.Throws<SlurmException>(() => new SlurmCommands().Queue());
        Assert.StartsWith("squeue --json printed a queue that cannot be read", e.Message);
    }

    [Fact]
    public void WithoutSlurmTheCommandsSaySo()
    {
        using var slurm = new FakeSlurm(installed: false);
        var queue = Assert.Throws<SlurmException>(() => new SlurmCommands().Queue());
        Assert.Equal("squeue not found: is Slurm installed?", queue.Message);
        var submit = Assert.Throws<SlurmException>(() => new SlurmCommands().Submit(Next));
        Assert.Equal("sbatch not found: is Slurm installed?", submit.Message);
    }
}
