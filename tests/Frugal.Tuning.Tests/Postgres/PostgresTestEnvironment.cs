using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Postgres;
using Xunit.Abstractions;

namespace Frugal.Tuning.Tests.Postgres;

/// <summary>
/// Skips a test, with the reason printed, where PostgreSQL's server tools or pgbench are not installed.
/// </summary>
internal static class PostgresTestEnvironment
{
    public static PostgresInstallation RequireInstallation(ITestOutputHelper output)
    {
        var installation = PostgresInstallation.Find(out var reason);
        if (installation is null) output.WriteLine($"skipped: {reason}");
        Skip.If(installation is null, reason);
        return installation;
    }

    /// <summary>A short workload: tiny data, 1-second runs, no warm-up.</summary>
    public static TargetOptions SmokeOptions =>
        new(Workload: "tpcb", DurationSeconds: 1, WarmupSeconds: 0, Clients: 2, Scale: 1);
}
