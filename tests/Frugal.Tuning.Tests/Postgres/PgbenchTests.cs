using Frugal.Tuning.Targets.Postgres;

namespace Frugal.Tuning.Tests.Postgres;

public sealed class PgbenchTests
{
    // What pgbench 15.18 printed for `pgbench -c 4 -j 2 -T 5` here.
    private const string Pgbench15Output = """
        pgbench (15.18 (Debian 15.18-0+deb12u1))
        starting vacuum...end.
        transaction type: <builtin: TPC-B (sort of)>
        scaling factor: 10
        query mode: simple
        number of clients: 4
        number of threads: 2
        maximum number of tries: 1
        duration: 5 s
        number of transactions actually processed: 16015
        number of failed transactions: 0 (0.000%)
        latency average = 1.248 ms
        initial connection time = 6.142 ms
        tps = 3204.613570 (without initial connection time)
        """;

    [Fact]
    public void TheSummaryGivesTpsWithoutConnectionTimeAndTheTransactionCount()
    {
        var (tps, transactions) = Pgbench.ParseSummary(Pgbench15Output);
        Assert.Equal(3204.613570, tps, 6);
        Assert.Equal(16015, transactions);
    }

    [Fact]
    public void OlderOutputWithTwoTpsLinesUsesTheOneWithoutConnections()
    {
        const string output = """
            number of transactions actually processed: 100
            tps = 90.5 (including connections establishing)
            tps = 99.25 (excluding connections establishing)
            """;
        Assert.Equal(99.25, Pgbench.ParseSummary(output).Tps);
    }

    [Fact]
    public void OutputWithoutATpsLineOrWithFailedTransactionsIsAnError()
    {
        var missing =
            Assert.Throws<PgbenchException>(() => Pgbench.ParseSummary("pgbench: error: connection to server failed"));
        Assert.Contains("connection to server failed", missing.Message);
        var failed =
            Pgbench15Output.Replace("number of failed transactions: 0 (0.000%)",
            "number of failed transactions: 3 (0.019%)", StringComparison.Ordinal);
        Assert.Contains("failed transactions: 3",
            Assert.Throws<PgbenchException>(() => Pgbench.ParseSummary(failed)).Message);
    }

    [Fact]
    public void ATransactionLogLineGivesItsLatencyInMilliseconds()
    {
        Assert.Equal(1.234, Pgbench.LoggedTransaction("0 17 1234 0 1764120000 123456").LatencyMs, 9);
        Assert.Equal((0.087, 1), Pgbench.LoggedTransaction("3 2 87 1 1764120000 999999 12"));
        Assert.Throws<PgbenchException>(() => Pgbench.LoggedTransaction("0 17 skipped 0 1764120000 123456"));
        Assert.Throws<PgbenchException>(() => Pgbench.LoggedTransaction("garbage"));
    }
}
