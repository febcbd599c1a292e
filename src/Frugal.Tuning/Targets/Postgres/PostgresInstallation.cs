namespace Frugal.Tuning.Targets.Postgres;

/// <summary>
/// Where the PostgreSQL server tools live. Debian keeps them off PATH in /usr/lib/postgresql/VERSION/bin, so the newest
/// version there is used; elsewhere the folder holding an initdb found on PATH.
/// </summary>
internal sealed record PostgresInstallation(string BinDirectory)
{
    public string InitDb => Path.Combine(BinDirectory, "initdb");
    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");
    public string Psql => Path.Combine(BinDirectory, "psql");
    public string Pgbench => Path.Combine(BinDirectory, "pgbench");

    /// <summary>The installation, or null with <paramref name="reason"/> saying what is missing.</summary>
    public static PostgresInstallation? Find(out string reason)
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : -1)
                .Select(d => Path.Combine(d, "bin")));
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries));
        foreach (var bin in candidates)
        {
            var installation = new PostgresInstallation(bin);
            if (!File.Exists(installation.InitDb)) continue;
            var missing =
                new[] { installation.PgCtl, installation.Psql, installation.Pgbench }.Where(f => !File.Exists(f))
                .ToList();
            if (missing.Count > 0)
            {
                reason = $"PostgreSQL in {bin} lacks {string.Join(", ", missing.Select(Path.GetFileName))}";
                return null;
            }
            reason = "";
            return installation;
        }
        reason = "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH)";
        return null;
    }

    /// <summary>The installation, or a <see cref="PostgresException"/> saying what is missing.</summary>
    public static PostgresInstallation Require() => Find(out var reason) ?? throw new PostgresException(reason);
}
