using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Frugal.Core.Errors;

namespace Frugal.Provisioning.Slurm;

/// <summary>A job as <c>squeue --json</c> lists it (times in Unix seconds; 0 where Slurm has none yet).</summary>
public sealed record QueuedJob(string Id, string Name, string State, long Submit, long Eligible, long Start,
    long LimitSeconds, int Nodes)
{
    /// <summary>Waiting in the queue.</summary>
    public bool IsPending => State == "PENDING";
    /// <summary>Holding its nodes.</summary>
    public bool IsRunning => State == "RUNNING";
}

/// <summary>A batch job to submit: what <c>sbatch</c> is asked for.</summary>
public sealed record SubmitRequest(string Name, int Nodes, long LimitMinutes, string Wrap)
{
    /// <summary>The successor of <paramref name="predecessor"/>: its nodes and limit, running <paramref name="wrap"/>,
    /// named <paramref name="name"/> or as the predecessor.</summary>
    public static SubmitRequest SuccessorOf(QueuedJob predecessor, string wrap, string? name = null) =>
        new(name ?? predecessor.Name, predecessor.Nodes, predecessor.LimitSeconds / 60, wrap);

    /// <summary>Tasks per job (<c>-n</c>); on a one-node test cluster, CPUs are what make jobs contend.</summary>
    public int? Tasks { get; init; }

    /// <summary>Submit with <c>--dependency=afterany:ID</c>.</summary>
    public string? AfterAny { get; init; }
}

/// <summary>
/// A Slurm command that is missing or failed: the message carries its standard error. Like an
/// I/O error, it is the system refusing something the run needs, not the user's syntax.
/// </summary>
internal sealed class SlurmException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Drives a real Slurm through its commands: <c>sbatch --parsable</c> to submit and
/// <c>squeue --json</c> to read the queue. <paramref name="environment"/> can point the commands
/// at a private cluster (<c>SLURM_CONF</c>); <paramref name="workingDirectory"/> is where they run,
/// and so where Slurm writes the jobs' <c>slurm-ID.out</c> files (default: the current directory, as for sbatch by
/// hand).
/// </summary>
public sealed class SlurmCommands(IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory =
    null)
{
    /// <summary>Submits <paramref name="request"/>; returns the job id.</summary>
    public string Submit(SubmitRequest request)
    {
        var args = new List<string>
        {
            "--parsable", "-J", request.Name, "-N", Text(request.Nodes), "-t", Text(request.LimitMinutes),
        };
        if (request.Tasks is { } tasks) args.AddRange(["-n", Text(tasks)]);
        if (request.AfterAny is { } id) args.Add($"--dependency=afterany:{id}");
        args.AddRange(["--wrap", request.Wrap]);
        // --parsable prints "id" or "id;cluster".
        return Run("sbatch", args).Trim().Split(';')[0];
    }

    /// <summary>Every job the controller still lists (pending, running, and recently finished).</summary>
    /// <exception cref="SlurmException">squeue is missing, fails, or prints what cannot be read.</exception>
    public List<QueuedJob> Queue()
    {
        var json = Run("squeue", ["--json"]);
        try
        {
            return Parse(json);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException
                                       or FormatException)
        {
            throw new SlurmException(
                $"squeue --json printed a queue that cannot be read (Slurm 22.05's format is expected): {e.Message}",
                e);
        }
    }

    /// <summary>The job <paramref name="id"/> as the controller lists it.</summary>
    /// <exception cref="BadInputException">The controller does not list it.</exception>
    /// <exception cref="SlurmException">squeue is missing, fails, or prints what cannot be read.</exception>
    public QueuedJob Find(string id) =>
        Queue().FirstOrDefault(j => j.Id == id)
        ?? throw new BadInputException($"{JobSetting}: job {id} is not in the Slurm queue", JobSetting);

    /// <summary>The name messages give the job a watch follows.</summary>
    public const string JobSetting = "predecessor job";

    internal static List<QueuedJob> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var jobs = new List<QueuedJob>();
        foreach (var j in document.RootElement.GetProperty("jobs").EnumerateArray())
            jobs.Add(new QueuedJob(
                j.GetProperty("job_id").GetInt64().ToString(CultureInfo.InvariantCulture),
                    j.GetProperty("name").GetString() ?? "",
                j.GetProperty("job_state").GetString() ?? "", j.GetProperty("submit_time").GetInt64(),
                    j.GetProperty("eligible_time").GetInt64(),
                j.GetProperty("start_time").GetInt64(), j.GetProperty("time_limit").GetInt64() * 60,
                    j.GetProperty("node_count").GetInt32()));
        return jobs;
    }

    private string Run(string command, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Start(command, start);
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new SlurmException($"{command} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        return output;
    }

    private static Process Start(string command, ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new SlurmException($"{command} did not start.");
        }
        catch (Win32Exception e) when (e.NativeErrorCode == NoSuchFile)
        {
            throw new SlurmException($"{command} not found: is Slurm installed?", e);
        }
        catch (Win32Exception e)
        {
            throw new SlurmException($"{command} could not be started: {e.Message}", e);
        }
    }

    /// <summary>ENOENT: the command is on no folder of PATH.</summary>
    private const int NoSuchFile = 2;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
