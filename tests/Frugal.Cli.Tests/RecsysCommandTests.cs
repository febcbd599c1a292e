using System.Diagnostics;
using System.Text.RegularExpressions;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class RecsysCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-recsys-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Tiny tables (the Kaggle sizes ÷ 100,000), a small model and a few batches: seconds, not minutes.
    private static readonly string[] Tiny =
    [
        "recsys", "train", "--in-process", "--trainers", "2", "--batch", "16", "--iterations", "6",
        "--lookahead", "4", "--dim", "4", "--tables-divisor", "100000",
    ];

    [Fact]
    public void TrainInProcessRunsEndToEndAndWritesTheCheckpoint()
    {
        var checkpoint = Path.Combine(_folder, "model.ckpt");
        var (code, output, errors) = Run([.. Tiny, "--checkpoint", checkpoint]);
        Assert.True(code == 0, errors);
        Assert.Matches(new Regex(@"parameter hash\s*│\s*[0-9a-f]{16}-[0-9a-f]{16}"), output);
        var model = Frugal.Recsys.Cluster.RecsysCheckpoint.Read(checkpoint);
        Assert.Equal(6, model.Iteration);
        Assert.Contains(model.TablesHash[..16], output);
    }

    [Fact]
    public void TheBackgroundDeferredPassGivesTheSameParameters()
    {
        var hash = new Regex(@"parameter hash\s*│\s*([0-9a-f]{16}-[0-9a-f]{16})");
        var (folded, foldedOutput, foldedErrors) = Run(Tiny);
        var (background, backgroundOutput, backgroundErrors) = Run([.. Tiny, "--background-deferred"]);
        Assert.True(folded == 0, foldedErrors);
        Assert.True(background == 0, backgroundErrors);
        Assert.Equal(hash.Match(foldedOutput).Groups[1].Value, hash.Match(backgroundOutput).Groups[1].Value);
        Assert.True(hash.Match(foldedOutput).Success);
    }

    // Found on the bench grid: with processes, a fast link and L mod C ≠ 0, a trainer's prefetcher got rows that
    // another trainer had already written back while its own cache still held them ("row (2, 8909) is already
    // cached", 3 of 3 runs with the background pass before the prefetch waited for its own eviction step).
    [Fact]
    public void BagpipeAsProcessesOnAFastLinkNeverReinstallsACachedRow()
    {
        var (code, _, errors) = Run(
        [
            "recsys", "train", "--trainers", "4", "--mode", "bagpipe", "--iterations", "100", "--batch", "512",
            "--lookahead", "50", "--tables-divisor", "1000", "--net-latency-ms", "0.5", "--net-bandwidth-mbps",
            "100", "--shape", "server", "--background-deferred",
        ]);
        Assert.True(code == 0, errors);
    }

    [Fact]
    public void ACapacityBelowTheBoundExitsTwoNamingTheBound()
    {
        var (code, _, errors) = Run([.. Tiny, "--capacity", "1"]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "--capacity");
        Assert.Matches(new Regex(@"a cache of 1 rows is too small: the dry run over the data needs \d+ rows"), errors);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("--store", "disk", "store 'disk' is unknown")]
    [InlineData("--mode", "fast", "fast")]
    [InlineData("--model", "bert", "bert")]
    [InlineData("--shape", "ring", "ring")]
    public void AnUnknownStoreModeOrModelExitsTwo(string option, string value, string mentions)
    {
        var (code, _, errors) = Run([.. Tiny, option, value]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
    }

    // A run that cannot end on its own within the tests' bounds: 3,000 iterations, each waiting out 2 ms latencies.
    private static readonly string[] Long =
    [
        "--trainers", "2", "--batch", "16", "--iterations", "3000", "--lookahead", "4", "--dim", "4",
        "--tables-divisor", "100000", "--net-latency-ms", "2",
    ];

    // Generous: a hang fails the test here instead of blocking the suite.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CancellingAnInProcessTrainExitsWith130AndWritesNoCheckpoint()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var checkpoint = Path.Combine(_folder, "model.ckpt");
        string[] train = ["recsys", "train", "--in-process", .. Long, "--checkpoint", checkpoint];
        var (code, _, errors) = await Task.Run(() => Run(cancel.Token, train)).WaitAsync(Hang);
        Assert.Equal(130, code);
        Assert.Contains("cancelled", errors);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [LinuxFact]
    public async Task CtrlCOnTrainStopsEveryChildProcess()
    {
        var checkpoint = Path.Combine(_folder, "model.ckpt");
        using var train = StartTrain([.. Long, "--checkpoint", checkpoint]);
        var errors = train.StandardError.ReadToEndAsync();
        var output = train.StandardOutput.ReadToEndAsync();
        // The server, the oracle and two trainers.
        var children = await Task.Run(async () =>
        {
            while (Children(train.Id).Length < 4) await Task.Delay(100);
            return Children(train.Id);
        }).WaitAsync(Hang);
        await Task.Delay(TimeSpan.FromSeconds(1));
        using (var interrupt = Process.Start("kill", ["-INT", $"{train.Id}"])) await interrupt.WaitForExitAsync();
        await train.WaitForExitAsync().WaitAsync(Hang);
        await output;
        Assert.True(train.ExitCode == 130, await errors);
        // SIGKILL takes effect asynchronously: give each child a moment to die.
        for (var tries = 0; tries < 100 && !children.All(Stopped); tries++) await Task.Delay(100);
        Assert.All(children, child => Assert.True(Stopped(child), $"child {child} still runs"));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [LinuxFact]
    public async Task CtrlCWhileTheCheckpointIsWrittenLeavesNoTemporaryFile()
    {
        // Tables of 1.7 million rows (Kaggle ÷ 20): streaming them into the checkpoint takes long enough to interrupt.
        // Before, the oracle was killed mid-write and its hidden temporary file stayed beside the checkpoint.
        var checkpoint = Path.Combine(_folder, "model.ckpt");
        using var train = StartTrain(
        [
            "--trainers", "2", "--batch", "16", "--iterations", "4", "--lookahead", "4", "--dim", "4",
            "--tables-divisor", "20", "--checkpoint", checkpoint,
        ]);
        var errors = train.StandardError.ReadToEndAsync();
        var output = train.StandardOutput.ReadToEndAsync();
        var writing = await Task.Run(async () =>
        {
            while (!train.HasExited && Temporary().Length == 0) await Task.Delay(5);
            return !train.HasExited;
        }).WaitAsync(Hang);
        Assert.True(writing, "the run ended before its checkpoint was written: " + await errors);
        using (var interrupt = Process.Start("kill", ["-INT", $"{train.Id}"])) await interrupt.WaitForExitAsync();
        await train.WaitForExitAsync().WaitAsync(Hang);
        await output;
        Assert.True(train.ExitCode is 130 or 0, await errors);
        Assert.Empty(Temporary());
        // The signal may land just after the rename: then the checkpoint is whole.
        if (File.Exists(checkpoint)) Assert.Equal(4, Frugal.Recsys.Cluster.RecsysCheckpoint.Read(checkpoint).Iteration);
    }

    /// <summary>The real `recsys train` with its child processes; SIGINT restored to its default in case the test
    /// runner ignores it (a background job does), so that it reaches Program.cs's Ctrl-C handler.</summary>
    private static Process StartTrain(string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "frugal.dll");
        return Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "dotnet", dll, "recsys", "train",
            .. arguments])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
    }

    private string[] Temporary() => Directory.GetFiles(_folder, ".model.ckpt.*.tmp");

    private static int[] Children(int pid) =>
    [
        .. Directory.GetDirectories($"/proc/{pid}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children"))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse),
    ];

    /// <summary>Gone, or dead and waiting to be reaped by whoever inherited it (state Z in /proc/PID/stat).</summary>
    private static bool Stopped(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}

/// <summary>A fact that needs Linux (/proc, POSIX signals); skipped elsewhere.</summary>
internal sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "needs Linux (/proc and POSIX signals)";
    }
}
