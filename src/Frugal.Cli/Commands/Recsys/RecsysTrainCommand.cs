using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Frugal.Core.Results;
using Frugal.Recsys.Cluster;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Recsys;

/// <summary>
/// <c>frugal recsys train</c>: starts the embedding server, the oracle and N trainers as child processes of this
/// executable on this machine (or, with <c>--in-process</c>, as tasks of this one), waits for the oracle's report,
/// and stops every child by its PID at the end, on a failure or on Ctrl-C.
/// </summary>
internal sealed class RecsysTrainCommand(IAnsiConsole console) : SettingCommand<RecsysTrainCommand.Settings>
{
    public sealed class Settings : RecsysRunSettings
    {
        [CommandOption("--in-process")]
        [Description("Run every node as a task of this process (same protocol, loopback TCP).")]
        public bool InProcess { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var config = settings.ToConfig();
        var report = settings.InProcess
            ? RecsysCluster.RunAsync(config, StoreChoice.Of(settings), settings.Checkpoint, cancellation).GetAwaiter()
                .GetResult()
            : RunProcesses(settings, config, cancellation);
        var table = new Table().AddColumns("", "value");
        table.AddRow("mode", config.Mode.ToString().ToLowerInvariant());
        table.AddRow("final loss", report.Losses[^1].ToString("G6", CultureInfo.InvariantCulture));
        table.AddRow("parameter hash", report.ParameterHash);
        table.AddRow("ms / iteration", Ms(report.MeanIteration(t => t.Total, 1)));
        table.AddRow("  compute", Ms(report.MeanIteration(t => t.Compute, 1)));
        table.AddRow("  fetch stall", Ms(report.MeanIteration(t => t.FetchStall, 1)));
        table.AddRow("  all-reduce", Ms(report.MeanIteration(t => t.AllReduce, 1)));
        table.AddRow("cache bound (rows)", report.CacheBound.ToString(CultureInfo.InvariantCulture));
        console.Write(table);
        if (settings.JsonPath is { } path)
            Core.IO.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, ResultJson.Options));
        return ExitCodes.Success;
    }

    private static string Ms(double seconds) => (seconds * 1000).ToString("F2", CultureInfo.InvariantCulture);

    private static RunReport RunProcesses(Settings settings, RunConfig config, CancellationToken cancellation)
    {
        var ports = FreePorts(2 + config.Trainers);
        var server = $"127.0.0.1:{ports[0]}";
        var oracle = $"127.0.0.1:{ports[1]}";
        var peers = string.Join(',', ports.Skip(2).Select(p => $"127.0.0.1:{p}"));
        var reportPath = Path.Combine(Path.GetTempPath(), $"frugal-recsys-{Guid.NewGuid():N}.json");
        var children = new List<(string Name, Process Process)>();
        try
        {
            var store = new List<string> { "--store", settings.Store };
            if (settings.MemoryBudget is { } budget) store.AddRange(["--memory-budget", budget]);
            if (settings.StoreDirectory is { } dir) store.AddRange(["--store-dir", dir]);
            children.Add(("the embedding server", Start(["recsys", "server", "--port", $"{ports[0]}", .. store])));
            children.Add(("the oracle", Start(["recsys", "oracle", "--port", $"{ports[1]}", "--server", server,
                "--report", reportPath, .. RunArguments(settings)])));
            for (var k = 0; k < config.Trainers; k++)
                children.Add(($"trainer {k}", Start(["recsys", "trainer", "--rank", $"{k}", "--peers", peers,
                    "--oracle", oracle, "--server", server])));
            var oracleProcess = children[1].Process;
            oracleProcess.WaitForExitAsync(cancellation).GetAwaiter().GetResult();
            if (oracleProcess.ExitCode != 0)
                throw new CommandFailedException($"the oracle failed: {LastLine(oracleProcess)}");
            foreach (var (name, process) in children)
            {
                if (!process.WaitForExit(TimeSpan.FromSeconds(config.TimeoutSeconds)))
                    throw new CommandFailedException($"{name} did not stop after the run");
                if (process.ExitCode != 0) throw new CommandFailedException($"{name} failed: {LastLine(process)}");
            }
            return JsonSerializer.Deserialize<RunReport>(File.ReadAllText(reportPath), ResultJson.Options)!;
        }
        finally
        {
            Stop([.. children.Select(c => c.Process)], TimeSpan.FromSeconds(10));
            File.Delete(reportPath);
        }
    }

    /// <summary>
    /// Stops the children still running: first asks each to stop cleanly (SIGTERM, which a frugal process treats as
    /// Ctrl-C: an oracle writing the checkpoint removes its temporary file), then kills by PID whatever has not ended
    /// within <paramref name="grace"/>.
    /// </summary>
    private static void Stop(Process[] processes, TimeSpan grace)
    {
        var running = processes.Where(p => !p.HasExited).ToArray();
        if (!OperatingSystem.IsWindows())
            foreach (var process in running) _ = kill(process.Id, Terminate);
        var deadline = Stopwatch.StartNew();
        foreach (var process in running)
        {
            var left = grace - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !process.WaitForExit(left)) process.Kill();
        }
        foreach (var process in processes) process.Dispose();
    }

    private const int Terminate = 15; // SIGTERM

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static string[] RunArguments(Settings s)
    {
        var args = new List<string>
        {
            "--mode", s.Mode, "--model", s.Model, "--trainers", $"{s.Trainers}", "--batch", $"{s.Batch}",
            "--iterations", $"{s.Iterations}", "--lookahead", $"{s.Lookahead}", "--interval", $"{s.Interval}",
            "--capacity", $"{s.Capacity}", "--dim", $"{s.Dim}", "--tables-divisor", $"{s.TablesDivisor}",
            "--seed", s.SeedText, "--timeout", s.Timeout.ToString(CultureInfo.InvariantCulture),
            "--allreduce-chunk", $"{s.AllReduceChunk}",
            "--net-latency-ms", s.LatencyMs.ToString(CultureInfo.InvariantCulture),
            "--net-bandwidth-mbps", s.BandwidthMBps.ToString(CultureInfo.InvariantCulture), "--shape", s.Shape,
        };
        if (s.NoNoSync) args.Add("--no-nosync");
        if (s.BackgroundDeferred) args.Add("--background-deferred");
        if (s.Checkpoint is { } checkpoint) args.AddRange(["--checkpoint", Path.GetFullPath(checkpoint)]);
        if (s.Data is { } data) args.AddRange(["--data", Path.GetFullPath(data)]);
        return [.. args];
    }

    /// <summary>Starts this executable again with <paramref name="arguments"/> (through dotnet when it runs as a
    /// dll), its error output captured.</summary>
    private static Process Start(string[] arguments)
    {
        var executable = Environment.ProcessPath!;
        var info = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
            info.ArgumentList.Add(typeof(FrugalApp).Assembly.Location);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static string LastLine(Process process)
    {
        var lines = process.StandardError.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? $"exit code {process.ExitCode}" : lines[^1].Replace("frugal: ", "").Trim();
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}

/// <summary><c>frugal recsys generate</c>: writes synthetic samples to a batch file for replay.</summary>
internal sealed class RecsysGenerateCommand(IAnsiConsole console) : SettingCommand<RecsysGenerateCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--file <FILE>")]
        [Description("The batch file to write.")]
        public string File { get; init; } = "batches.bin";

        [CommandOption("--samples <N>")]
        [Description("Samples to write (default 100000).")]
        [DefaultValue(100000)]
        public long Samples { get; init; } = 100000;

        [CommandOption("--tables-divisor <K>")]
        [Description("The Kaggle Criteo sizes divided by K (default 100).")]
        [DefaultValue(100)]
        public int TablesDivisor { get; init; } = 100;

        public override ValidationResult Validate() =>
            Samples < 1 ? ValidationResult.Error("--samples: at least 1") : TablesDivisor < 1
                ? ValidationResult.Error("--tables-divisor: at least 1") : base.Validate();
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var cardinalities = Frugal.Recsys.Data.SyntheticCtrGenerator.KaggleCardinalities(settings.TablesDivisor);
        using var generator = new Frugal.Recsys.Data.SyntheticCtrGenerator(cardinalities,
            new Core.Randomness.SeedTree(settings.Seed).Child("data"));
        var written = Frugal.Recsys.Data.BatchFile.Write(settings.File, generator, cardinalities, settings.Samples);
        console.MarkupLineInterpolated($"wrote {written} samples to {settings.File}");
        return ExitCodes.Success;
    }
}
