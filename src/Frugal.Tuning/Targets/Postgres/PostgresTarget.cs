using Frugal.Core.Errors;

namespace Frugal.Tuning.Targets.Postgres;

/// <summary>
/// Tunes a real PostgreSQL server under pgbench. It owns a throwaway cluster (<see cref="PostgresCluster"/>) loaded
/// once
/// with pgbench data; each trial applies its configuration on top of the defaults (earlier knobs are reset, so a trial
/// is exactly its configuration), reloads or restarts as the changed knobs need, checkpoints and runs a discarded
/// warm-up; each measured run is one pgbench run (the tuning loop takes the median of several, because single pgbench
/// runs on a small machine differ by up to 3×: design §10). A configuration the server rejects, cannot start with, or
/// under which pgbench fails is a failed trial; the last configuration that worked is put back and the server
/// restarted before returning.
/// </summary>
internal sealed class PostgresTarget : ITuningTarget
{
    private readonly PostgresRunSettings settings;
    private readonly PostgresCluster cluster;
    private readonly Pgbench pgbench;
    private string lastGoodAutoConf;
    private bool restarted;

    /// <summary>
    /// Creates the cluster, starts it and loads the pgbench tables; fails when PostgreSQL is not installed.
    /// </summary>
    public PostgresTarget(TargetOptions options, CancellationToken cancellation = default)
    {
        settings = PostgresRunSettings.From(options);
        var installation = PostgresInstallation.Require();
        cluster = PostgresCluster.Create(installation, options.WorkingDirectory, TimeSpan.FromSeconds(60),
            cancellation);
        try
        {
            pgbench = new Pgbench(installation.Pgbench, cluster.ClientArguments, cluster.Folder);
            if (settings.Workload is PgbenchWorkload.YcsbA or PgbenchWorkload.YcsbB)
                pgbench.InitialiseYcsb((long)settings.Scale * PgYcsb.RecordsPerScale,
                    sql => cluster.Sql(sql, cancellation));
            else pgbench.Initialise(settings.Scale, cancellation);
            lastGoodAutoConf = cluster.ReadAutoConf();
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public const string TargetName = "postgres";

    public string Name => TargetName;

    public TargetObjective Objective { get; } =
        new("tps", Maximize: true, ["tps", "p95_latency_ms", "mean_latency_ms", "restart"], Throughput: "tps",
            Latencies: ["p95_latency_ms", "mean_latency_ms"]);

    /// <summary>The cluster under test, for callers that want to look at it (tests SHOW settings through it).</summary>
    public PostgresCluster Cluster => cluster;

    public string? Apply(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation)
    {
        var values = configuration.ToDictionary(k => k.Key, k => PostgresValues.Format(k.Key, k.Value));
        try
        {
            restarted = cluster.Apply(values, cancellation);
            // Start every trial from the same state: no dirty pages left by the previous trial to be written during
            // this one.
            cluster.Sql("CHECKPOINT;", cancellation);
            if (settings.WarmupSeconds > 0) pgbench.Run(settings.Workload, settings.Clients, settings.Threads,
                settings.WarmupSeconds, cancellation);
        }
        catch (Exception e) when (e is PostgresException or ArgumentException)
        {
            return FailAndRecover($"configuration rejected: {e.Message}", cancellation);
        }
        catch (PgbenchException e)
        {
            return FailAndRecover($"workload failed: {e.Message}", cancellation);
        }
        return null;
    }

    public TrialMeasurement Measure(CancellationToken cancellation)
    {
        PgbenchRun run;
        try
        {
            run = pgbench.Run(settings.Workload, settings.Clients, settings.Threads, settings.DurationSeconds,
                cancellation);
        }
        catch (Exception e) when (e is PgbenchException or PostgresException)
        {
            return TrialMeasurement.FailedWith(FailAndRecover($"workload failed: {e.Message}", cancellation));
        }
        lastGoodAutoConf = cluster.ReadAutoConf();
        return TrialMeasurement.Succeeded(new Dictionary<string, double>
        {
            ["tps"] = run.Tps,
            ["p95_latency_ms"] = run.P95LatencyMs,
            ["mean_latency_ms"] = run.MeanLatencyMs,
            ["restart"] = restarted ? 1 : 0,
        });
    }

    /// <summary>
    /// Puts back the last configuration that worked and brings the server up with it, so the next trial starts from a
    /// running server. If even that fails, the target is unusable and that is an exception, not a failed trial.
    /// </summary>
    private string FailAndRecover(string reason, CancellationToken cancellation)
    {
        // A trial cut short by cancellation (Ctrl-C stops the server too) is not the configuration's failure.
        cancellation.ThrowIfCancellationRequested();
        cluster.WriteAutoConf(lastGoodAutoConf);
        try
        {
            cluster.Activate(cancellation);
        }
        catch (PostgresException e)
        {
            throw new PostgresException(
                $"after a failed trial ({reason}) the last good configuration did not come back: {e.Message}");
        }
        return reason;
    }

    public void Dispose() => cluster.Dispose();
}

/// <summary>
/// The workload settings of a <see cref="PostgresTarget"/>, from <see cref="TargetOptions"/> with defaults filled in
/// and checked.
/// </summary>
internal sealed record PostgresRunSettings(PgbenchWorkload Workload, int DurationSeconds, int WarmupSeconds,
    int Clients, int Threads, int Scale)
{
    /// <exception cref="BadInputException">A setting postgres cannot honour.</exception>
    public static PostgresRunSettings From(TargetOptions options)
    {
        var workload = (options.Workload ?? "tpcb") switch
        {
            "tpcb" => PgbenchWorkload.TpcB,
            "select" => PgbenchWorkload.SelectOnly,
            "ycsb-a" => PgbenchWorkload.YcsbA,
            "ycsb-b" => PgbenchWorkload.YcsbB,
            var w => throw new BadInputException(
                $"'{w}' is not a postgres workload; expected tpcb, select, ycsb-a or ycsb-b",
                TargetOptions.WorkloadSetting),
        };
        var duration = WholeSeconds(options.DurationSeconds ?? 10, TargetOptions.DurationSetting, 1);
        var warmup = WholeSeconds(options.WarmupSeconds ?? 5, TargetOptions.WarmupSetting, 0);
        var clients = options.Clients ?? 4;
        // The knob space keeps max_connections ≥ 20 with 3 reserved for superusers, so up to 16 clients always connect.
        if (clients is < 1 or > 16)
            throw new BadInputException(
                $"clients must be between 1 and 16 for postgres (got {clients})", TargetOptions.ClientsSetting);
        var scale = options.Scale ?? 10;
        if (scale is < 1 or > 1000)
            throw new BadInputException(
                $"scale must be between 1 and 1000 for postgres (got {scale})", TargetOptions.ScaleSetting);
        return new PostgresRunSettings(workload, duration, warmup, clients,
            Math.Min(clients, Environment.ProcessorCount), scale);
    }

    /// <summary>pgbench's -T takes whole seconds.</summary>
    private static int WholeSeconds(double seconds, string setting, int minimum)
    {
        if (!(seconds >= minimum && seconds <= 86400 && seconds == Math.Floor(seconds)))
            throw new BadInputException(
                $"{setting} must be a whole number of seconds, at least {minimum}, for postgres " +
                $"(got {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)})", setting);
        return (int)seconds;
    }
}
