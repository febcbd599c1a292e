using Frugal.Tuning.Targets.Postgres;
using Xunit.Abstractions;

namespace Frugal.Tuning.Tests.Postgres;

public sealed class PostgresClusterTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void AReloadKnobAndARestartKnobBothTakeEffectAndStoppingLeavesNoServerProcess()
    {
        var installation = PostgresTestEnvironment.RequireInstallation(output);
        string folder;
        int pid;
        using (var cluster =
            PostgresCluster.Create(installation, null, TimeSpan.FromSeconds(60), CancellationToken.None))
        {
            folder = cluster.Folder;
            Assert.True(cluster.IsRunning);
            var firstPid = cluster.PostmasterPid!.Value;
            Assert.Equal("128MB", cluster.Show("shared_buffers", CancellationToken.None));

            // work_mem needs only a reload: the postmaster keeps running.
            Assert.False(
                cluster.Apply(new Dictionary<string, string> { ["work_mem"] = "8192" }, CancellationToken.None));
            Assert.Equal("8MB", cluster.Show("work_mem", CancellationToken.None));
            Assert.Equal(firstPid, cluster.PostmasterPid);

            // shared_buffers needs a restart; the reset of work_mem proves each Apply replaces the previous
            // configuration.
            Assert.True(
                cluster.Apply(new Dictionary<string,
                string>
                { ["shared_buffers"] = "4096", ["synchronous_commit"] = "off" }, CancellationToken.None));
            Assert.Equal("32MB", cluster.Show("shared_buffers", CancellationToken.None));
            Assert.Equal("off", cluster.Show("synchronous_commit", CancellationToken.None));
            Assert.Equal("4MB", cluster.Show("work_mem", CancellationToken.None));
            Assert.False(PostgresCluster.ProcessIsAlive(firstPid));
            pid = cluster.PostmasterPid!.Value;
            Assert.True(PostgresCluster.ProcessIsAlive(pid));
        }
        Assert.False(PostgresCluster.ProcessIsAlive(pid));
        Assert.False(Directory.Exists(folder));
    }

    [SkippableFact]
    public void AServerThatCannotStartFailsWithTheFatalLineFromItsLog()
    {
        var installation = PostgresTestEnvironment.RequireInstallation(output);
        using var cluster =
            PostgresCluster.Create(installation, null, TimeSpan.FromSeconds(60), CancellationToken.None);
        // Reserved connections must be fewer than max_connections: the server refuses to start otherwise.
        var e = Assert.Throws<PostgresException>(() => cluster.Apply(
            new Dictionary<string, string> { ["max_connections"] = "5", ["superuser_reserved_connections"] = "10" },
                CancellationToken.None));
        output.WriteLine(e.Message);
        Assert.Contains("superuser_reserved_connections (10) must be less than max_connections (5)", e.Message);
        Assert.False(cluster.IsRunning);
    }

    [SkippableFact]
    public void AnUnknownSettingIsRejectedWithPostgreSqlsMessage()
    {
        var installation = PostgresTestEnvironment.RequireInstallation(output);
        using var cluster =
            PostgresCluster.Create(installation, null, TimeSpan.FromSeconds(60), CancellationToken.None);
        var e = Assert.Throws<PostgresException>(() =>
            cluster.Apply(new Dictionary<string, string> { ["no_such_knob"] = "1" }, CancellationToken.None));
        Assert.Contains("no_such_knob", e.Message);
        Assert.True(cluster.IsRunning);
    }
}
