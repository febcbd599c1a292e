using System.Globalization;
using System.Text.Json;

namespace Frugal.Provisioning.Tests;

/// <summary>Tests that change the process's PATH run alone, after every other test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PathCollection
{
    public const string Name = "PATH";
}

/// <summary>
/// Stand-ins for <c>squeue</c> and <c>sbatch</c>, shell scripts written to a temporary folder put
/// first on PATH: <c>squeue --json</c> prints the queues the test sets, one per call (the last
/// repeats); <c>sbatch</c> records its arguments and prints a job id, or fails as told. Disposing
/// restores PATH and removes the folder.
/// </summary>
internal sealed class FakeSlurm : IDisposable
{
    private readonly string _path = Environment.GetEnvironmentVariable("PATH") ?? "";

    public FakeSlurm(bool installed = true)
    {
        Folder = Path.Combine(Path.GetTempPath(), "frugal-fake-slurm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        if (installed)
        {
            Script("squeue", $"""
                n=$(( $(cat '{Folder}/squeue.calls' 2>/dev/null || echo 0) + 1 ))
                echo "$n" > '{Folder}/squeue.calls'
                f='{Folder}/queue.'$n'.json'
                [ -f "$f" ] || f='{Folder}/queue.last.json'
                cat "$f"
                """);
            Script("sbatch", $"""
                printf '%s\n' "$@" > '{Folder}/sbatch.args'
                if [ -f '{Folder}/sbatch.fails' ]; then cat '{Folder}/sbatch.fails' >&2; exit 1; fi
                echo '4242;frugal'
                """);
        }
        // Without Slurm, PATH holds only the empty folder, as on a machine that never installed it.
        Environment.SetEnvironmentVariable("PATH", installed ? Folder + Path.PathSeparator + _path : Folder);
    }

    public string Folder { get; }

    /// <summary>squeue's answer at its <paramref name="call"/>th call (1-based) and, for <paramref name="last"/>, every
    /// later one.</summary>
    public void Queue(int call, bool last, params string[] jobs)
    {
        var json = $$"""{"jobs": [{{string.Join(", ", jobs)}}]}""";
        File.WriteAllText(Path.Combine(Folder, $"queue.{call}.json"), json);
        if (last) File.WriteAllText(Path.Combine(Folder, "queue.last.json"), json);
    }

    /// <summary>A job as squeue 22.05 lists it; <paramref name="limitMinutes"/> is its time limit.</summary>
    public static string Job(long id, string state, long submit, long start, long limitMinutes, int nodes = 1,
        string name = "train") =>
        JsonSerializer.Serialize(new
        {
            job_id = id, name, job_state = state, submit_time = submit, eligible_time = submit, start_time = start,
            time_limit = limitMinutes, node_count = nodes,
        });

    /// <summary>Makes sbatch fail, printing <paramref name="error"/> on standard error.</summary>
    public void FailSubmissions(string error) => File.WriteAllText(Path.Combine(Folder, "sbatch.fails"), error);

    /// <summary>How many times squeue ran.</summary>
    public int QueueCalls =>
        File.Exists(Calls) ? int.Parse(File.ReadAllText(Calls).Trim(), CultureInfo.InvariantCulture) : 0;

    private string Calls => Path.Combine(Folder, "squeue.calls");

    /// <summary>The arguments of sbatch's last run, one per element; null if it never ran.</summary>
    public string[]? SubmittedArguments =>
        File.Exists(Arguments) ? File.ReadAllLines(Arguments) : null;

    private string Arguments => Path.Combine(Folder, "sbatch.args");

    private void Script(string name, string body)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", _path);
        Directory.Delete(Folder, recursive: true);
    }
}
