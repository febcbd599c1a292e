using System.Globalization;

namespace Frugal.Tuning.Targets.Postgres;

/// <summary>
/// YCSB on PostgreSQL as the LlamaTune paper ran it, driven by pgbench: a <c>usertable</c> keyed by
/// <c>ycsb_key</c> with the standard ten 100-byte fields, and two pgbench scripts — a point read and an update of one
/// field — with Zipfian key choice, weighted 50/50 (YCSB-A) or 95/5 (YCSB-B). pgbench picks a script per
/// transaction by weight and logs which one ran (the fourth column of its per-transaction log), so the mix is
/// checkable. pgbench's <c>random_zipfian</c> needs a parameter above 1 (1.001 at least since PostgreSQL 13), so
/// the skew is s = 1.001 rather than YCSB's 0.99: nearly the same, a little more concentrated on the hottest keys.
/// </summary>
internal static class PgYcsb
{
    /// <summary>Records per unit of <c>--scale</c>: 10,000 rows of about 1 KB (scale 10 = 100,000 rows).</summary>
    public const int RecordsPerScale = 10_000;

    /// <summary>The Zipfian parameter (pgbench's smallest).</summary>
    public const double ZipfianParameter = 1.001;

    /// <summary>The read script (pgbench's script 0).</summary>
    public static string ReadScript => string.Create(CultureInfo.InvariantCulture, $"""
        \set key random_zipfian(1, :records, {ZipfianParameter})
        SELECT * FROM usertable WHERE ycsb_key = :key;
        """);

    /// <summary>The update script (pgbench's script 1): one field of one record gets a new 100-byte value.</summary>
    public static string UpdateScript => string.Create(CultureInfo.InvariantCulture, $"""
        \set key random_zipfian(1, :records, {ZipfianParameter})
        UPDATE usertable SET field0 = left(repeat(md5(random()::text), 4), 100) WHERE ycsb_key = :key;
        """);

    /// <summary>The share of reads: YCSB-A 50%, YCSB-B 95%.</summary>
    public static int ReadPercent(PgbenchWorkload workload) => workload switch
    {
        PgbenchWorkload.YcsbA => 50,
        PgbenchWorkload.YcsbB => 95,
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, "not a YCSB workload"),
    };

    /// <summary>SQL that creates and fills <c>usertable</c> with <paramref name="records"/> rows, then analyses it.
    /// </summary>
    public static string CreateTable(long records)
    {
        var fields = string.Join(", ", Enumerable.Range(0, 10).Select(f => $"field{f} text"));
        var values = string.Join(", ",
            Enumerable.Range(0, 10).Select(f => $"left(repeat(md5((i * 10 + {f})::text), 4), 100)"));
        return string.Create(CultureInfo.InvariantCulture, $"""
            DROP TABLE IF EXISTS usertable;
            CREATE TABLE usertable (ycsb_key bigint PRIMARY KEY, {fields});
            INSERT INTO usertable SELECT i, {values} FROM generate_series(1, {records}) AS i;
            VACUUM ANALYZE usertable;
            """);
    }
}
