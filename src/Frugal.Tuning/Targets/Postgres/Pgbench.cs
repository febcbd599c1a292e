using System.Globalization;
using System.Text.RegularExpressions;
using Frugal.Core.Statistics;

namespace Frugal.Tuning.Targets.Postgres;

/// <summary>
/// pgbench's built-in scripts — TPC-B-like read-write (the default) or select-only (<c>-S</c>) — or YCSB-A and
/// YCSB-B through our own scripts (<see cref="PgYcsb"/>).
/// </summary>
internal enum PgbenchWorkload
{
    TpcB,
    SelectOnly,
    YcsbA,
    YcsbB,
}

/// <summary>
/// One pgbench run: throughput without connection set-up, latencies over every transaction it logged, and how many
/// transactions each script ran (one entry for the built-in scripts; read then update for YCSB).
/// </summary>
internal sealed record PgbenchRun(double Tps, double MeanLatencyMs, double P95LatencyMs, long Transactions,
    IReadOnlyList<long> PerScript);

/// <summary>
/// pgbench failed (could not connect, a client aborted, output without a TPS line): the message says why.
/// </summary>
internal sealed class PgbenchException(string message) : Exception(message);

/// <summary>
/// Drives pgbench against a cluster. The p95 latency comes from pgbench's per-transaction log (<c>-l</c>): one line
/// per transaction whose third column is its latency in microseconds, so the percentile is exact, not an estimate
/// from aggregates (<c>--aggregate-interval</c> keeps only sums, minimum and maximum). Each run writes its log into a
/// fresh folder that is deleted once read.
/// </summary>
internal sealed partial class Pgbench(string executable, IReadOnlyList<string> clientArguments, string scratchDirectory)
{
    /// <summary>
    /// Creates the pgbench tables with <paramref name="scale"/> × 100,000 accounts (quiet: progress every 5 s only).
    /// </summary>
    public void Initialise(int scale, CancellationToken cancellation)
    {
        var result =
            ToolProcess.Run(executable, [.. clientArguments, "-i", "-q", "-s", Text(scale), "postgres"],
            new ToolRunOptions(), cancellation);
        if (result.ExitCode != 0)
            throw new PgbenchException($"pgbench -i -s {scale} failed (exit {result.ExitCode}): {result.LastLine()}");
    }

    /// <summary>
    /// Runs <paramref name="workload"/> for <paramref name="seconds"/> with <paramref name="clients"/> connections over
    /// <paramref name="threads"/> threads.
    /// </summary>
    public PgbenchRun Run(PgbenchWorkload workload, int clients, int threads, int seconds,
        CancellationToken cancellation)
    {
        var logFolder = Path.Combine(scratchDirectory, $"pgbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(logFolder);
        try
        {
            var arguments = new List<string>(clientArguments)
            {
                "-c", Text(clients), "-j", Text(threads), "-T", Text(seconds), "-l",
                $"--log-prefix={Path.Combine(logFolder, "tx")}",
            };
            if (workload == PgbenchWorkload.SelectOnly) arguments.Add("-S");
            if (workload is PgbenchWorkload.YcsbA or PgbenchWorkload.YcsbB) arguments.AddRange(YcsbArguments(workload));
            arguments.Add("postgres");
            // A server that stops answering (a pathological configuration) must not hang the tuning run.
            var result =
                ToolProcess.Run(executable, arguments,
                new ToolRunOptions(Timeout: TimeSpan.FromSeconds(seconds + 120)), cancellation);
            if (result.ExitCode != 0)
                throw new PgbenchException($"pgbench failed (exit {result.ExitCode}): {result.LastLine()}");
            var (tps, transactions) = ParseSummary(result.Output);
            var logged = Directory.EnumerateFiles(logFolder).SelectMany(File.ReadLines).Select(LoggedTransaction)
                .ToArray();
            if (logged.Length == 0) throw new PgbenchException($"pgbench logged no transactions in {seconds} s.");
            var latencies = logged.Select(t => t.LatencyMs).ToArray();
            var quantiles = Summary.Quantiles(latencies, 0.95);
            var scripts = logged.Max(t => t.Script) + 1;
            var perScript = Enumerable.Range(0, scripts).Select(s => (long)logged.Count(t => t.Script == s)).ToArray();
            return new PgbenchRun(tps, Summary.Mean(latencies), quantiles[0], transactions, perScript);
        }
        finally
        {
            Directory.Delete(logFolder, recursive: true);
        }
    }

    /// <summary>
    /// The throughput and transaction count from pgbench's summary. pgbench 15 prints one
    /// <c>tps = N (without initial connection time)</c> line; versions before 14 print "including connections
    /// establishing" and then "excluding connections establishing", so the line without connection time is preferred.
    /// </summary>
    public static (double Tps, long Transactions) ParseSummary(string output)
    {
        var tpsLines = TpsLine().Matches(output);
        if (tpsLines.Count == 0) throw new PgbenchException($"pgbench printed no 'tps = ' line: {Tail(output)}");
        var chosen =
            tpsLines.FirstOrDefault(m =>
            m.Groups[2].Value.StartsWith("without", StringComparison.Ordinal)
            || m.Groups[2].Value.StartsWith("excluding", StringComparison.Ordinal)) ?? tpsLines[^1];
        var tps = double.Parse(chosen.Groups[1].Value, CultureInfo.InvariantCulture);
        var processed = ProcessedLine().Match(output);
        if (!processed.Success) throw new PgbenchException(
            $"pgbench printed no 'number of transactions actually processed' line: {Tail(output)}");
        var transactions = long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture);
        var failed = FailedLine().Match(output);
        if (failed.Success && long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) > 0)
            throw new PgbenchException($"pgbench reported failed transactions: {failed.Value.Trim()}");
        return (tps, transactions);
    }

    /// <summary>
    /// Writes the YCSB scripts into the scratch folder, so runs can name them, and creates the table with
    /// <paramref name="records"/> rows through <paramref name="sql"/>.
    /// </summary>
    public void InitialiseYcsb(long records, Action<string> sql)
    {
        File.WriteAllText(Path.Combine(scratchDirectory, "ycsb-read.sql"), PgYcsb.ReadScript);
        File.WriteAllText(Path.Combine(scratchDirectory, "ycsb-update.sql"), PgYcsb.UpdateScript);
        ycsbRecords = records;
        sql(PgYcsb.CreateTable(records));
    }

    private long ycsbRecords;

    /// <summary>
    /// pgbench's arguments for a YCSB workload: the two scripts with their weights, the record count, and no vacuum of
    /// pgbench's own tables (there are none).
    /// </summary>
    private List<string> YcsbArguments(PgbenchWorkload workload)
    {
        if (ycsbRecords == 0) throw new InvalidOperationException("the YCSB table was not created");
        var reads = PgYcsb.ReadPercent(workload);
        return
        [
            "-n", "-D", $"records={ycsbRecords.ToString(CultureInfo.InvariantCulture)}",
            "-f", $"{Path.Combine(scratchDirectory, "ycsb-read.sql")}@{Text(reads)}",
            "-f", $"{Path.Combine(scratchDirectory, "ycsb-update.sql")}@{Text(100 - reads)}",
        ];
    }

    /// <summary>
    /// One line of the per-transaction log: its latency in ms and the script that ran. Its format is
    /// <c>client_id transaction_no time script_no time_epoch time_us [schedule_lag]</c>, time in µs; a transaction that
    /// was skipped or failed has "skipped" or "failed" there instead and is an error here (the run is not clean).
    /// </summary>
    public static (double LatencyMs, int Script) LoggedTransaction(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var script))
            throw new PgbenchException($"unexpected line in pgbench's transaction log: '{line}'");
        return (micros / 1000.0, script);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Tail(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? "(no output)";

    [GeneratedRegex(@"^tps = ([0-9]+(?:\.[0-9]+)?) \(([^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"^number of transactions actually processed: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex ProcessedLine();

    [GeneratedRegex(@"^number of failed transactions: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex FailedLine();
}
