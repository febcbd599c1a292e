using Frugal.Core.Errors;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Postgres;
using Xunit.Abstractions;

namespace Frugal.Tuning.Tests.Postgres;

public sealed class PostgresTargetTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void TrialsApplyTheirKnobsMeasureTheWorkloadAndAFailedConfigurationLeavesTheTargetReady()
    {
        PostgresTestEnvironment.RequireInstallation(output);
        using var target = new PostgresTarget(PostgresTestEnvironment.SmokeOptions);
        Assert.Equal("postgres", target.Name);
        Assert.Equal("tps", target.Objective.Metric);
        Assert.True(target.Objective.Maximize);

        var tuned = target.Evaluate(new Dictionary<string, object>
        {
            ["shared_buffers"] = 8192L, ["synchronous_commit"] = "off", ["random_page_cost"] = 1.5,
            ["enable_seqscan"] = false,
        }, CancellationToken.None);
        output.WriteLine($"tuned: {string.Join(", ", tuned.Metrics.Select(m => $"{m.Key}={m.Value:G4}"))}");
        Assert.False(tuned.Failed, tuned.Failure);
        Assert.True(tuned.Metrics["tps"] > 0);
        Assert.True(tuned.Metrics["p95_latency_ms"] > 0);
        Assert.Equal(1, tuned.Metrics["restart"]);
        Assert.Equal(target.Objective.Metrics.Order(), tuned.Metrics.Keys.Order());
        Assert.Equal("64MB", target.Cluster.Show("shared_buffers", CancellationToken.None));
        Assert.Equal("off", target.Cluster.Show("synchronous_commit", CancellationToken.None));
        Assert.Equal("1.5", target.Cluster.Show("random_page_cost", CancellationToken.None));
        Assert.Equal("off", target.Cluster.Show("enable_seqscan", CancellationToken.None));

        // Far more shared memory than any host here has: the server cannot start.
        var failed =
            target.Evaluate(new Dictionary<string, object> { ["shared_buffers"] = 1_000_000_000L },
            CancellationToken.None);
        output.WriteLine($"failed: {failed.Failure}");
        Assert.True(failed.Failed);
        Assert.Contains("FATAL:", failed.Failure);
        // The last good configuration is back and running.
        Assert.True(target.Cluster.IsRunning);
        Assert.Equal("64MB", target.Cluster.Show("shared_buffers", CancellationToken.None));

        var next = target.Evaluate(new Dictionary<string, object> { ["work_mem"] = 16384L }, CancellationToken.None);
        Assert.False(next.Failed, next.Failure);
        Assert.Equal("16MB", target.Cluster.Show("work_mem", CancellationToken.None));
        Assert.Equal("128MB", target.Cluster.Show("shared_buffers", CancellationToken.None));
        Assert.Equal("on", target.Cluster.Show("synchronous_commit", CancellationToken.None));
    }

    [SkippableFact]
    public void AValueThePostgresServerRejectsIsAFailedTrial()
    {
        PostgresTestEnvironment.RequireInstallation(output);
        using var target = new PostgresTarget(PostgresTestEnvironment.SmokeOptions with { Workload = "select" });
        var failed = target.Evaluate(new Dictionary<string, object> { ["work_mem"] = 1L }, CancellationToken.None);
        output.WriteLine($"failed: {failed.Failure}");
        Assert.True(failed.Failed);
        Assert.Contains("work_mem", failed.Failure);
        Assert.True(target.Evaluate(new Dictionary<string, object>(), CancellationToken.None).Metrics["tps"] > 0);
    }

    [SkippableFact]
    public void DisposingTheTargetStopsItsServerAndDeletesItsFolder()
    {
        PostgresTestEnvironment.RequireInstallation(output);
        var target = new PostgresTarget(PostgresTestEnvironment.SmokeOptions);
        var pid = target.Cluster.PostmasterPid!.Value;
        var folder = target.Cluster.Folder;
        target.Dispose();
        Assert.False(PostgresCluster.ProcessIsAlive(pid));
        Assert.False(Directory.Exists(folder));
    }

    [SkippableFact]
    public void CancellingATrialKillsItsPgbench()
    {
        PostgresTestEnvironment.RequireInstallation(output);
        using var target = new PostgresTarget(PostgresTestEnvironment.SmokeOptions with { DurationSeconds = 60 });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            target.Evaluate(new Dictionary<string, object>(), cancellation.Token));
        Assert.Empty(PgbenchProcessesFor(target.Cluster.Folder));
    }

    /// <summary>pgbench processes pointed at this cluster's socket folder (unique to it), from /proc.</summary>
    private static List<string> PgbenchProcessesFor(string clusterFolder) =>
        Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Select(d =>
        {
            try { return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' '); }
            catch (IOException) { return ""; }
        }).Where(c =>
            c.Contains("pgbench", StringComparison.Ordinal) && c.Contains(clusterFolder, StringComparison.Ordinal))
            .ToList();

    [Theory]
    [InlineData("tpcc", null, null, "workload")]
    [InlineData(null, 1.5, null, "duration")]
    [InlineData(null, 0.0, null, "duration")]
    [InlineData(null, null, 0, "clients")]
    [InlineData(null, null, 17, "clients")]
    public void WorkloadSettingsItCannotHonourAreRejectedByName(string? workload, double? duration, int? clients,
        string setting)
    {
        var e = Assert.Throws<BadInputException>(() => new PostgresTarget(new TargetOptions(workload, duration,
            Clients: clients)));
        Assert.Contains(setting, e.Message);
        Assert.Equal(setting, e.Setting);
    }
}
