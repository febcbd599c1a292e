using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Frugal.Tuning.Targets.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster: its own folder, initdb with trust authentication, a Unix socket inside that folder
/// and no TCP listener, so it can neither collide with nor be reached by anything else on the host. Knobs go through
/// ALTER SYSTEM (postgresql.auto.conf), so one file holds exactly the tuned configuration and can be saved and put
/// back. Disposing it (or this process exiting, or Ctrl-C) stops the server, by its postmaster PID if pg_ctl cannot,
/// and deletes the folder. The server refuses to run as root, so as root the server tools run as <c>postgres</c>.
/// </summary>
internal sealed partial class PostgresCluster : IDisposable
{
    private const string ServerUser = "postgres";
    private readonly PostgresInstallation installation;
    private readonly TimeSpan startTimeout;
    private readonly string? runAs;
    private readonly PosixSignalRegistration[] signalRegistrations;
    private int? postmasterPid;
    private volatile bool interrupted;
    private readonly ManualResetEventSlim exitCleanupDone = new();
    private bool disposed;

    private PostgresCluster(PostgresInstallation installation, string folder, int port, TimeSpan startTimeout)
    {
        this.installation = installation;
        Folder = folder;
        Port = port;
        this.startTimeout = startTimeout;
        runAs = Environment.IsPrivilegedProcess ? ServerUser : null;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        // Ctrl-C or kill: the server runs detached from us, so it would outlive us; stop it before we go (the handlers
        // do
        // not cancel the signal, so its default action, ending this process, still follows).
        signalRegistrations =
            [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(s =>
            PosixSignalRegistration.Create(s, _ => ShutDownForExit()))];
    }

    /// <summary>The cluster's folder: the data directory, the server log and the socket live here.</summary>
    public string Folder { get; }

    public string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>The folder holding the server's Unix socket (<c>-h</c> for clients).</summary>
    public string SocketDirectory => Folder;

    public string LogPath => Path.Combine(Folder, "server.log");

    /// <summary>The port number; with no TCP listener it only names the socket file, but clients need it.</summary>
    public int Port { get; }

    /// <summary>The running postmaster's PID, null while stopped.</summary>
    public int? PostmasterPid => postmasterPid;

    public bool IsRunning => postmasterPid is { } pid && ProcessIsAlive(pid);

    /// <summary>The arguments that point a client tool (psql, pgbench) at this cluster.</summary>
    public IReadOnlyList<string> ClientArguments =>
        ["-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", ServerUser];

    private string AutoConfPath => Path.Combine(DataDirectory, "postgresql.auto.conf");

    /// <summary>
    /// Creates and starts a cluster in a new folder under <paramref name="parentDirectory"/> (a fresh temporary folder
    /// when null). As root, the folder is handed to <c>postgres</c>, so its parent must be reachable by that user.
    /// </summary>
    public static PostgresCluster Create(PostgresInstallation installation, string? parentDirectory,
        TimeSpan startTimeout, CancellationToken cancellation)
    {
        string folder;
        if (parentDirectory is null) folder = Directory.CreateTempSubdirectory("frugal-pg-").FullName;
        else
        {
            Directory.CreateDirectory(parentDirectory);
            folder = Path.Combine(Path.GetFullPath(parentDirectory), $"frugal-pg-{Guid.NewGuid():N}"[..20]);
            Directory.CreateDirectory(folder);
        }
        // A Unix socket path is limited to 107 bytes (sun_path); fail here rather than with a cryptic server error.
        if (Path.Combine(folder, ".s.PGSQL.65535").Length > 107)
        {
            Directory.Delete(folder, recursive: true);
            throw new PostgresException(
                $"the working directory {parentDirectory} is too deep for a Unix socket path (107 bytes at most); " +
                $"choose a shorter one.");
        }
        var cluster = new PostgresCluster(installation, folder, FreePort(), startTimeout);
        try
        {
            cluster.Initialise(cancellation);
            cluster.Start(cancellation);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private void Initialise(CancellationToken cancellation)
    {
        if (runAs is not null)
        {
            Require(ToolProcess.Run("chown", [runAs, Folder], new ToolRunOptions(), cancellation), "chown");
        }
        // -N: no fsync of the fresh files; a throwaway cluster need not survive a host crash.
        Require(Tool(installation.InitDb,
            ["-D", DataDirectory, "-A", "trust", "-U", ServerUser, "-E", "UTF8", "--locale=C", "-N"], cancellation),
            "initdb");
        File.AppendAllText(Path.Combine(DataDirectory, "postgresql.conf"),
            $"\n# frugal: a private cluster reachable only through its own socket\nlisten_addresses = ''\nport = " +
                $"{Port}\nunix_socket_directories = '{SocketDirectory}'\n");
    }

    /// <summary>
    /// Starts the server and waits until it accepts connections; a failure carries the log's FATAL line.
    /// </summary>
    public void Start(CancellationToken cancellation)
    {
        ThrowIfInterrupted();
        var logStart = LogLength();
        var result =
            Tool(installation.PgCtl, ["-D", DataDirectory, "-l", LogPath, "-w", "-t", Seconds(startTimeout), "start"],
            cancellation);
        if (result.ExitCode != 0)
        {
            // pg_ctl may give up on a server that is still starting; never leave it behind.
            ReadPostmasterPid();
            if (postmasterPid is { } pid) Quit(pid);
            postmasterPid = null;
            throw new PostgresException($"the server did not start: {FailureLine(logStart, result)}");
        }
        ReadPostmasterPid();
        if (postmasterPid is null) throw new PostgresException(
            $"the server started but wrote no PID to {Path.Combine(DataDirectory, "postmaster.pid")}.");
    }

    /// <summary>
    /// Stops the server (fast shutdown); if pg_ctl cannot, kills the postmaster and its children by PID.
    /// </summary>
    public void Stop()
    {
        if (postmasterPid is not { } pid) return;
        if (ProcessIsAlive(pid))
        {
            var result =
                Tool(installation.PgCtl, ["-D", DataDirectory, "-w", "-t", "30", "-m", "fast", "stop"],
                CancellationToken.None);
            if (result.ExitCode != 0 || !WaitForExit(pid, TimeSpan.FromSeconds(5))) KillTree(pid);
        }
        postmasterPid = null;
    }

    /// <summary>Restarts the server, to apply knobs that only take effect at start-up.</summary>
    public void Restart(CancellationToken cancellation)
    {
        Stop();
        Start(cancellation);
    }

    /// <summary>
    /// Runs SQL (one or more statements, each in its own transaction) and returns what psql printed, unaligned.
    /// </summary>
    public string Sql(string sql, CancellationToken cancellation)
    {
        var result =
            ToolProcess.Run(installation.Psql,
            [.. ClientArguments, "-d", "postgres", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"],
            new ToolRunOptions(Input: sql), cancellation);
        if (result.ExitCode != 0)
        {
            ThrowIfInterrupted();
            throw new PostgresException($"psql failed: {result.LastLine()}");
        }
        return result.Output;
    }

    /// <summary>The current value of a setting, as SHOW prints it (with its unit, e.g. <c>128MB</c>).</summary>
    public string Show(string name, CancellationToken cancellation) =>
        Sql($"SHOW {Identifier(name)};", cancellation).Trim();

    /// <summary>
    /// Makes the cluster run exactly <paramref name="settings"/> (name → PostgreSQL value text) on top of the defaults:
    /// every earlier ALTER SYSTEM setting is reset first. Reloads, and restarts only when a changed knob needs it.
    /// Returns whether it restarted. A rejected value or a server that does not come back throws <see
    /// cref="PostgresException"/>.
    /// </summary>
    public bool Apply(IReadOnlyDictionary<string, string> settings, CancellationToken cancellation)
    {
        var sql = new System.Text.StringBuilder("ALTER SYSTEM RESET ALL;\n");
        foreach (var (name, value) in settings)
            sql.Append(CultureInfo.InvariantCulture,
                $"ALTER SYSTEM SET {Identifier(name)} = '{value.Replace("'", "''", StringComparison.Ordinal)}';\n");
        Sql(sql.ToString(), cancellation);
        return Activate(cancellation);
    }

    /// <summary>
    /// Brings the server in line with postgresql.auto.conf as it is on disk: starts it when stopped; otherwise reloads
    /// and restarts if pg_settings reports a pending restart. Returns whether it (re)started.
    /// </summary>
    public bool Activate(CancellationToken cancellation)
    {
        ThrowIfInterrupted();
        if (!IsRunning)
        {
            postmasterPid = null;
            Start(cancellation);
            return true;
        }
        Reload(cancellation);
        var pending = Sql("SELECT name FROM pg_settings WHERE pending_restart;", cancellation).Trim();
        if (pending.Length == 0) return false;
        Restart(cancellation);
        return true;
    }

    /// <summary>
    /// Reloads the configuration and waits until the postmaster has re-read it: pg_conf_load_time() of a new
    /// connection (forked from the postmaster) moves on only then, so a later check sees the new values.
    /// </summary>
    private void Reload(CancellationToken cancellation)
    {
        var before = Sql("SELECT pg_conf_load_time(); SELECT pg_reload_conf();", cancellation).Split('\n')[0].Trim();
        var deadline = Stopwatch.StartNew();
        while (Sql("SELECT pg_conf_load_time();", cancellation).Trim() == before)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                throw new PostgresException("the server did not reload its configuration within 10 s.");
            Thread.Sleep(10);
        }
    }

    /// <summary>The tuned configuration file as it stands, to put back after a configuration that fails.</summary>
    public string ReadAutoConf() => File.ReadAllText(AutoConfPath);

    /// <summary>
    /// Replaces postgresql.auto.conf (in place, so it keeps its owner); <see cref="Activate"/> then applies it.
    /// </summary>
    public void WriteAutoConf(string contents) => File.WriteAllText(AutoConfPath, contents);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in signalRegistrations) registration.Dispose();
        exitCleanupDone.Dispose();
        try
        {
            Stop();
        }
        finally
        {
            if (postmasterPid is null && Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => ShutDownForExit();

    /// <summary>
    /// After Ctrl-C or process exit stopped the server, nothing (such as a failed trial's recovery) may bring it back.
    /// </summary>
    private void ThrowIfInterrupted()
    {
        if (!interrupted) return;
        // Let the signal handler finish first: an exception from here may end the process before it has cleaned up.
        exitCleanupDone.Wait(TimeSpan.FromSeconds(15));
        throw new OperationCanceledException(
            "the PostgreSQL cluster was stopped because this process is being interrupted.");
    }

    /// <summary>
    /// Stops the server for good and deletes the folder while this process is being interrupted or is exiting (Ctrl-C,
    /// SIGTERM, or an exit without Dispose). It starts no process (the runtime may no longer start one), and nothing
    /// may start the server again afterwards.
    /// </summary>
    private void ShutDownForExit()
    {
        interrupted = true;
        try
        {
            if (postmasterPid is { } pid) Quit(pid);
            postmasterPid = null;
            // The interrupted trial may still be deleting a pgbench log in the folder; a few tries outlast it.
            for (var attempt = 0; attempt < 3 && Directory.Exists(Folder); attempt++)
            {
                try
                {
                    Directory.Delete(Folder, recursive: true);
                }
                catch (IOException)
                {
                    Thread.Sleep(100);
                }
            }
        }
        finally
        {
            exitCleanupDone.Set();
        }
    }

    private ToolResult Tool(string executable, IReadOnlyList<string> arguments, CancellationToken cancellation) =>
        ToolProcess.Run(executable, arguments, new ToolRunOptions(runAs, Folder), cancellation);

    private static void Require(ToolResult result, string tool)
    {
        if (result.ExitCode != 0)
            throw new PostgresException($"{tool} failed (exit {result.ExitCode}): {result.LastLine()}");
    }

    private void ReadPostmasterPid()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        postmasterPid =
            File.Exists(pidFile)
            && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), CultureInfo.InvariantCulture, out var pid)
            ? pid : null;
    }

    /// <summary>
    /// Why the server did not start, from what it logged since <paramref name="logStart"/>: its FATAL (or PANIC) line,
    /// else its last line (some start-up checks print a bare "postgres: ..." message), else pg_ctl's own last line.
    /// </summary>
    private string FailureLine(long logStart, ToolResult result)
    {
        if (File.Exists(LogPath))
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(logStart, stream.Length), SeekOrigin.Begin);
            var lines =
                new StreamReader(stream).ReadToEnd()
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var marker in (string[])["FATAL:", "PANIC:"])
            {
                var line = lines.LastOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
                if (line is not null) return line[line.IndexOf(marker, StringComparison.Ordinal)..];
            }
            if (lines.Length > 0) return lines[^1];
        }
        return $"pg_ctl exited with {result.ExitCode}: {result.LastLine()}";
    }

    private long LogLength() => File.Exists(LogPath) ? new FileInfo(LogPath).Length : 0;

    /// <summary>
    /// A knob name as SQL: only the characters GUC names use, so no value can smuggle SQL in through a name.
    /// </summary>
    private static string Identifier(string name) =>
        GucName().IsMatch(name) ? name
            : throw new ArgumentException($"'{name}' is not a PostgreSQL setting name.", nameof(name));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex GucName();

    private static string Seconds(TimeSpan span) =>
        Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Whether the process runs: present in /proc and not a zombie (a container's init may never reap it).
    /// </summary>
    internal static bool ProcessIsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Format: "pid (comm) state ..."; comm may contain spaces and parentheses, so read after the last ')'.
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (ProcessIsAlive(pid))
        {
            if (clock.Elapsed > timeout) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>
    /// SIGQUIT, PostgreSQL's immediate shutdown: the postmaster stops its children and exits at once. Whatever is
    /// still there after 5 s is killed, postmaster and children together.
    /// </summary>
    private static void Quit(int pid)
    {
        if (!ProcessIsAlive(pid)) return;
        if (Signal(pid, SigQuit) != 0 || !WaitForExit(pid, TimeSpan.FromSeconds(5))) KillTree(pid);
    }

    private const int SigQuit = 3;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    private static void KillTree(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
        WaitForExit(pid, TimeSpan.FromSeconds(5));
    }
}
