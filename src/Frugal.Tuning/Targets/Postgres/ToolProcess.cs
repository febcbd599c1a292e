using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Frugal.Tuning.Targets.Postgres;

/// <summary>What a finished command printed and how it exited.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// The last non-empty line of standard error (else of standard output): the line that says why a tool failed.
    /// </summary>
    public string LastLine()
    {
        var text = string.IsNullOrWhiteSpace(Error) ? Output : Error;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? "(no output)";
    }
}

/// <summary>
/// Runs the PostgreSQL tools (initdb, pg_ctl, psql, pgbench) as child processes. A cancelled run kills the child and
/// everything it started, so Ctrl-C never leaves a pgbench or psql behind. PG* variables of the caller's environment
/// are removed: the tools must talk to the throwaway cluster they are pointed at, never to one a variable names.
/// </summary>
internal static class ToolProcess
{
    /// <summary>
    /// Children still running, so that exiting (Ctrl-C, SIGTERM, an unhandled exception) does not orphan them.
    /// </summary>
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    // Held for the life of the process: a registration that is collected stops handling its signal.
    private static readonly PosixSignalRegistration[] SignalRegistrations =
        [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(s =>
            PosixSignalRegistration.Create(s, _ => KillRunning()))];

    static ToolProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();

    private static void KillRunning()
    {
        foreach (var process in Running.Values) Kill(process);
    }

    public static ToolResult Run(string executable, IReadOnlyList<string> arguments, ToolRunOptions options,
        CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput =
                options.Input is not null,
            UseShellExecute = false,
        };
        if (options.RunAs is { } user)
        {
            // runuser (util-linux) switches user without a password or PAM session; only root may call it.
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", user, "--", executable]) start.ArgumentList.Add(a);
        }
        else start.FileName = executable;
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (options.WorkingDirectory is not null) start.WorkingDirectory = options.WorkingDirectory;
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);

        using var process = Process.Start(start) ?? throw new PostgresException($"{executable} did not start.");
        Running[process.Id] = process;
        try
        {
            return Wait(process, executable, options, cancellation);
        }
        finally
        {
            Running.TryRemove(process.Id, out _);
        }
    }

    private static ToolResult Wait(Process process, string executable, ToolRunOptions options,
        CancellationToken cancellation)
    {
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (options.Input is not null)
        {
            process.StandardInput.Write(options.Input);
            process.StandardInput.Close();
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (options.Timeout is { } timeout) limit.CancelAfter(timeout);
        try
        {
            process.WaitForExitAsync(limit.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellation.ThrowIfCancellationRequested();
            // Not the caller's cancellation, so the time limit: a hung tool is a failure, reported like any other.
            return new ToolResult(-1, "",
                $"{Path.GetFileName(executable)} did not finish within {options.Timeout!.Value.TotalSeconds:F0} s " +
                $"and was killed");
        }
        return new ToolResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It exited between the cancellation and the kill.
        }
    }
}

/// <summary>
/// How to run one tool: as which user (null: as this process), where, what to write to its standard input, and how long
/// it may take before it is killed (null: no limit).
/// </summary>
internal sealed record ToolRunOptions(string? RunAs = null, string? WorkingDirectory = null, string? Input = null,
    TimeSpan? Timeout = null);

/// <summary>
/// A PostgreSQL tool or server operation failed; the message carries the tool's (or server log's) reason. Like an I/O
/// error it is the system's failure, not the user's input nor a bug in frugal, so the command line reports it as such.
/// </summary>
internal sealed class PostgresException(string message) : IOException(message);
