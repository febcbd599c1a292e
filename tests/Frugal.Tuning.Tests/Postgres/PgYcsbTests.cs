using System.Globalization;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Postgres;
using Xunit.Abstractions;

namespace Frugal.Tuning.Tests.Postgres;

public sealed class PgYcsbTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("ycsb-a", 0.50)]
    [InlineData("ycsb-b", 0.95)]
    public void TheScriptsGiveTheReadUpdateMixAndTheUpdatesReachTheTable(string name, double reads)
    {
        var workload = name == "ycsb-a" ? PgbenchWorkload.YcsbA : PgbenchWorkload.YcsbB;
        var installation = PostgresTestEnvironment.RequireInstallation(output);
        using var cluster = PostgresCluster.Create(installation, null, TimeSpan.FromSeconds(60), default);
        var pgbench = new Pgbench(installation.Pgbench, cluster.ClientArguments, cluster.Folder);
        pgbench.InitialiseYcsb(1000, sql => cluster.Sql(sql, default));
        Assert.Equal("1000|10|100",
            cluster.Sql("SELECT count(*), (SELECT count(*) FROM information_schema.columns WHERE table_name = " +
                "'usertable' AND column_name LIKE 'field%'), max(length(field9)) FROM usertable;", default).Trim());

        var run = pgbench.Run(workload, clients: 2, threads: 2, seconds: 2, default);
        var (read, updated) = (run.PerScript[0], run.PerScript.Count > 1 ? run.PerScript[1] : 0);
        var total = read + updated;
        output.WriteLine($"{workload}: {read} reads, {updated} updates, {run.Tps:F0} tps");
        Assert.Equal(run.Transactions, total);
        Assert.True(total > 100, $"only {total} transactions");
        // Binomial: within four standard deviations of the weight.
        var tolerance = 4 * Math.Sqrt(reads * (1 - reads) / total) + 0.005;
        Assert.InRange((double)read / total, reads - tolerance, reads + tolerance);
        // Every update changed exactly one existing row (pgbench's backends report their statistics as they exit).
        var rowsUpdated = long.Parse(cluster.Sql(
            "SELECT pg_stat_force_next_flush(); SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'usertable';",
            default).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(updated, rowsUpdated);
    }

    [SkippableFact]
    public void ThePostgresTargetRunsYcsbB()
    {
        PostgresTestEnvironment.RequireInstallation(output);
        using var target = new PostgresTarget(PostgresTestEnvironment.SmokeOptions with { Workload = "ycsb-b" });
        var measurement = target.Evaluate(new Dictionary<string, object> { ["work_mem"] = 8192L }, default);
        Assert.False(measurement.Failed, measurement.Failure);
        Assert.True(measurement.Metrics["tps"] > 0);
        Assert.Equal("10000", target.Cluster.Sql("SELECT count(*) FROM usertable;", default).Trim());
    }
}
