using System.Diagnostics;

namespace Frugal.Provisioning.Tests;

/// <summary>
/// A private single-node Slurm (munged, slurmctld, slurmd) in a temporary folder, configured as in
/// the design brief §13. It stops only the daemons it started, by the PIDs in their pid files.
/// </summary>
internal sealed class LocalSlurm : IDisposable
{
    private static readonly string[] Daemons =
        ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue"];

    private readonly string _root;
    private readonly List<string> _pidFiles = [];

    /// <summary>Why a local Slurm cannot run here, or null where it can.</summary>
    public static string? Unavailable()
    {
        var missing = Daemons.Where(d => !File.Exists(d)).ToList();
        if (missing.Count > 0) return $"Slurm is not installed ({string.Join(", ", missing)} missing; " +
            "apt-get install slurmctld slurmd slurm-client munge)";
        if (Environment.UserName != "root") return "a local Slurm needs root to start slurmd and munged as their users";
        return null;
    }

    public LocalSlurm()
    {
        _root = Path.Combine(Path.GetTempPath(), "frugal-slurm-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        try
        {
            Conf = Path.Combine(_root, "slurm.conf");
            BringUp();
        }
        catch
        {
            // Stop whatever did start, so a failed start leaves no daemon behind.
            Dispose();
            throw;
        }
    }

    private void BringUp()
    {
        foreach (var sub in new[] { "state", "spool", "log" }) Directory.CreateDirectory(Path.Combine(_root, sub));
        Exec("chmod", "755", _root);
        var munge = Path.Combine(_root, "munge");
        Directory.CreateDirectory(munge);
        Exec("cp", "/etc/munge/munge.key", Path.Combine(munge, "munge.key"));
        Exec("chown", "-R", "munge:munge", munge);
        // munged wants its socket folder searchable by everyone, its key readable only by itself.
        Exec("chmod", "711", munge);
        var socket = Path.Combine(munge, "munge.socket");
        Start(Path.Combine(munge, "munged.pid"), "runuser", "-u", "munge", "--", "/usr/sbin/munged",
            $"--socket={socket}", $"--key-file={Path.Combine(munge, "munge.key")}",
            $"--pid-file={Path.Combine(munge, "munged.pid")}", $"--log-file={Path.Combine(munge, "munged.log")}",
            $"--seed-file={Path.Combine(munge, "munged.seed")}");
        var host = Exec("hostname", "-s").Trim();
        File.WriteAllText(Conf, $"""
            ClusterName=frugal
            SlurmctldHost={host}
            SlurmUser=root
            AuthType=auth/munge
            AuthInfo=socket={socket}
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SchedulerType=sched/backfill
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            StateSaveLocation={_root}/state
            SlurmdSpoolDir={_root}/spool
            SlurmctldPidFile={_root}/slurmctld.pid
            SlurmdPidFile={_root}/slurmd.pid
            SlurmctldLogFile={_root}/log/slurmctld.log
            SlurmdLogFile={_root}/log/slurmd.log
            ReturnToService=2
            MpiDefault=none
            JobCompType=jobcomp/filetxt
            JobCompLoc={_root}/log/jobcomp.log
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            MinJobAge=300
            NodeName={host} CPUs=2 RealMemory=1000 State=UNKNOWN
            PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP

            """);
        Start(Path.Combine(_root, "slurmctld.pid"), "/usr/sbin/slurmctld", "-i", "-f", Conf);
        Start(Path.Combine(_root, "slurmd.pid"), "/usr/sbin/slurmd", "-f", Conf);
        WaitUntil(() => Exec("sinfo", "-h", "-o", "%t").Contains("idle"), "the node to come up idle");
    }

    public string Conf { get; }

    public string JobCompLog => Path.Combine(_root, "log", "jobcomp.log");

    /// <summary>Where the test's jobs run and write their output, inside the cluster's own folder.</summary>
    public string JobDirectory => _root;

    public IReadOnlyDictionary<string, string> CommandEnvironment =>
        new Dictionary<string, string> { ["SLURM_CONF"] = Conf };

    /// <summary>
    /// How long a wait may last before the test counts as hung: far beyond what any step takes, so
    /// only a hung cluster fails on it, never a slow machine.
    /// </summary>
    public static readonly TimeSpan HungAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, re-checking it every quarter second (it asks
    /// the cluster's commands or files, which raise no events); gives up after <paramref name="timeout"/>,
    /// by default <see cref="HungAfter"/>.
    /// </summary>
    public static void WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? HungAfter;
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > limit)
                throw new TimeoutException($"no sign of {what} after {limit.TotalSeconds:0} s: the cluster hangs");
            Thread.Sleep(250);
        }
    }

    /// <summary>
    /// Lets this cluster's job steps finish reporting (they need munged), then stops slurmd,
    /// slurmctld and munged, in that order, each by the PID it recorded, and finally any job step
    /// of this cluster still alive, so that nothing outlives the test.
    /// </summary>
    public void Dispose()
    {
        try
        {
            // A grace period, not a check: steps still running after it are stopped below.
            WaitUntil(() => !JobSteps().Any(), "the job steps to finish", TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            // Stopped below.
        }
        foreach (var pidFile in Enumerable.Reverse(_pidFiles))
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) Stop(pid);
        foreach (var pid in JobSteps().ToArray()) Stop(pid);
        Directory.Delete(_root, recursive: true);
    }

    private static void Stop(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(15_000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The slurmstepd processes of this cluster: those whose working directory is inside its folder.</summary>
    private IEnumerable<int> JobSteps()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid)) continue;
            string? cwd;
            try
            {
                if (!File.ReadAllText(Path.Combine(entry, "comm")).StartsWith("slurmstepd", StringComparison.Ordinal))
                    continue;
                cwd = new FileInfo(Path.Combine(entry, "cwd")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (cwd is not null && cwd.StartsWith(_root, StringComparison.Ordinal)) yield return pid;
        }
    }

    private void Start(string pidFile, string command, params string[] args)
    {
        _pidFiles.Add(pidFile);
        Exec(command, args);
        WaitUntil(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0,
            $"{Path.GetFileName(command)} to write {pidFile}");
    }

    private string Exec(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["SLURM_CONF"] = Conf;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode
            != 0) throw new InvalidOperationException(
            $"{command} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}");
        return output;
    }
}
