using System.Diagnostics;
using System.Text.Json;

namespace Frugal.Cli.Tests;

/// <summary>
/// The memory budget seen from outside (design §6.6 check 5): disk training runs in a child process and its peak
/// resident memory (VmHWM) above the baseline (runtime and libtorch loaded, and warmed up by the same training on a
/// toy graph) must stay within the budget plus a stated allowance for the managed runtime's headroom, on a graph
/// whose features are more than four times the budget. The same graph trained in memory goes over, so the check can
/// fail (docs/graph.md "Memory budget seen from outside").
/// </summary>
public sealed class GraphMemoryTests
{
    // 14 MiB: the full-graph neighbour index that evaluation keeps (2.9 MB here) no longer fits 12 MiB with two
    // partitions; the features stay more than four times the budget.
    private const long Budget = 14L << 20;

    // What the budget does not control: the managed heap committed above its live data (the GC's gen0 allocation
    // budget, fixed at 4 MiB for the child below, and large-object garbage between full collections) and the native
    // allocator's slack. Measured: VmHWM grew 31-35 MiB for a plan accounting 12.6 MiB, so 24 MiB would cover it
    // with 4 MiB to spare; 36 MiB leaves room for another machine's allocator while a buffer that ignores the budget
    // (87 MiB) still fails by far.
    private const long Allowance = 36L << 20;

    [SkippableFact]
    public void DiskTrainingStaysUnderTheBudgetInAChildProcess()
    {
        Skip.IfNot(File.Exists("/proc/self/status"), "VmHWM is read from Linux's /proc");
        var folder = Path.Combine(Path.GetTempPath(), $"graph-memory-{Guid.NewGuid():N}");
        try
        {
            var graph = Path.Combine(folder, "g");
            // 120,000 nodes × 128 features × 4 bytes = 61 MB of features, 4.2 times the budget.
            var (code, _, errors) = CliRunner.Run("graph", "preprocess", "--format", "synthetic-nc", "--nodes",
                "120000", "--features", "128", "--degree", "4", "--partitions", "32", "--out", graph);
            Assert.True(code == 0, errors);
            var train = new[]
            {
                "graph", "train", "--graph", graph, "--epochs", "1", "--batch-size", "50", "--fanouts", "3,3",
                "--hidden", "16", "--json",
            };
            var disk = Child([.. train, "--storage", "disk", "--ordering", "beta", "--memory-budget", $"{Budget}B"]);
            Assert.True(disk.Accounted <= Budget, $"accounted {disk.Accounted} > {Budget}");
            Assert.True(disk.Growth <= Budget + Allowance, $"VmHWM grew {disk.Growth / 1048576.0:0.0} MiB, budget " +
                $"{Budget / 1048576.0:0.0} MiB + allowance {Allowance / 1048576.0:0.0} MiB");
            // A buffer that ignored the budget: the 58.6 MiB of features alone exceed budget and allowance.
            var memory = Child([.. train, "--storage", "memory"]);
            Assert.True(memory.Growth > Budget + Allowance,
                $"in memory VmHWM grew only {memory.Growth / 1048576.0:0.0} MiB");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static (long Accounted, long Growth) Child(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "frugal.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            // The GC's gen0 budget scales with the CPU's cache (about 20 MiB here); a fixed 4 MiB keeps the managed
            // heap's headroom within the allowance on any machine. Only an environment variable sets it.
            Environment = { ["DOTNET_GCgen0size"] = "0x400000" },
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors.Result);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var atStart = root.GetProperty("residentAtStartBytes").GetInt64();
        var peak = root.GetProperty("residentPeakBytes").GetInt64();
        Assert.True(atStart > 0 && peak >= atStart, output);
        return (root.GetProperty("accountedBytes").GetInt64(), peak - atStart);
    }
}
