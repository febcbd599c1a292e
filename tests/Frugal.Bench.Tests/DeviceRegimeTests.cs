using System.Diagnostics;
using Frugal.Bench.Targets;
using Frugal.Storage;
using Frugal.Workloads.Ycsb;

namespace Frugal.Bench.Tests;

/// <summary>
/// The regimes where stores reach the disk: each store's direct mode as the kernel sees its files, the memory cgroup
/// (its folder, its refusal, its options), and the disk the block-layer counter measures.
/// </summary>
public sealed class DeviceRegimeTests : IDisposable
{
    private const int Records = 20_000;
    private const int ValueBytes = 100;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("frugal-bench-regime-");

    public void Dispose() => _dir.Delete(recursive: true);

    [SkippableTheory]
    [InlineData("frugal", true)]
    [InlineData("tsavorite", true)]
    [InlineData("tsavorite-rc", true)]
    [InlineData("faster", false)] // .NET drops FASTER's no-buffering flag on Linux
    public void UnderDirectIoTheKernelSeesEachStoresFilesAsItsModeSays(string store, bool direct)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "O_DIRECT and /proc/self/fdinfo are Linux's");
        var budget = new StoreBudget(Records * (8L + ValueBytes) / 16);
        using var target = KvBenchCommand.Open(store, _dir.FullName, budget, ValueBytes, IoMode.Direct);
        var settings = new YcsbSettings(Records, ValueBytes, Threads: 1, Duration: TimeSpan.FromMilliseconds(200));
        YcsbRunner.Load(target, settings);
        YcsbRunner.Run(target, YcsbWorkload.Parse("B"), settings, new Core.Randomness.SeedTree(3));

        var (directFiles, open) = StoreFiles.DirectDescriptors(_dir.FullName);
        Assert.True(open > 0, $"{store} holds no file open under {_dir.FullName}");
        Assert.Equal(direct ? open : 0, directFiles);
    }

    [Fact]
    public void RocksDbAsksForDirectReadsFlushesAndCompactionsOnlyUnderDirectIo()
    {
        foreach (var io in new[] { IoMode.Buffered, IoMode.Direct })
        {
            var folder = Path.Combine(_dir.FullName, $"{io}");
            using (new RocksDbTarget(folder, new StoreBudget(54_000), io)) { }
            var written = File.ReadAllText(Directory.GetFiles(folder, "OPTIONS-*").Max()!);
            var expected = io == IoMode.Direct ? "true" : "false";
            Assert.Contains($"use_direct_reads={expected}", written);
            Assert.Contains($"use_direct_io_for_flush_and_compaction={expected}", written);
        }
    }

    [Theory]
    [InlineData("pos:\t0\nflags:\t0140002\nmnt_id:\t27\n", true)] // O_RDWR | O_DIRECT | O_CLOEXEC
    [InlineData("pos:\t0\nflags:\t02100001\nmnt_id:\t27\n", false)] // O_WRONLY | O_SYNC | O_CLOEXEC
    [InlineData("pos:\t0\n", false)]
    public void FdInfoFlagsAreReadInOctal(string fdinfo, bool direct) =>
        Assert.Equal(direct, StoreFiles.IsDirect(fdinfo));

    [Theory]
    [InlineData(0, 0, "-")]
    [InlineData(3, 3, "direct")]
    [InlineData(0, 4, "buffered")]
    [InlineData(6, 10, "direct 6/10")]
    public void DescriptorsAreDescribedAsTheyAre(int direct, int open, string described) =>
        Assert.Equal(described, StoreFiles.Describe((direct, open)));

    [SkippableFact]
    public void AFileOpenedThroughDotNetIsBuffered()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/proc/self/fdinfo is Linux's");
        using var file = File.Create(Path.Combine(_dir.FullName, "plain"));
        Assert.Equal((0, 1), StoreFiles.DirectDescriptors(_dir.FullName));
    }

    private const string CgroupV1Mounts = """
        27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        33 31 0:30 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        """;

    [Theory]
    [InlineData("4:memory:/process_api/7ffd\n3:cpuset:/\n", "/sys/fs/cgroup/memory/process_api/7ffd")]
    [InlineData("4:memory:/\n", "/sys/fs/cgroup/memory")]
    [InlineData("7:cpu,memory:/job/", "/sys/fs/cgroup/memory/job")]
    [InlineData("0::/user.slice\n", null)] // cgroup v2 only: no v1 memory controller
    public void TheOwnMemoryGroupIsItsPathUnderTheControllersMount(string procSelfCgroup, string? expected) =>
        Assert.Equal(expected, MemoryCgroup.OwnGroup(procSelfCgroup, CgroupV1Mounts));

    [Fact]
    public void AControllerMountedFromAGroupBelowTheRootIsJoinedRelativeToIt()
    {
        const string container = "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
        Assert.Equal("/sys/fs/cgroup/memory/job",
            MemoryCgroup.OwnGroup("4:memory:/docker/abc/job\n", container));
        Assert.Null(MemoryCgroup.OwnGroup("4:memory:/elsewhere\n", container));
    }

    [Fact]
    public void NoControllerOrNoWritableGroupIsRefusedInOneLine()
    {
        var (parent, refusal) = MemoryCgroup.Parent("0::/\n", CgroupV1Mounts);
        Assert.Null(parent);
        Assert.Equal("no cgroup v1 memory controller is mounted", refusal);

        // A controller "mounted" where no folder can be made.
        const string unwritable = "35 31 0:32 / /proc/frugal-no-such rw - cgroup cgroup rw,memory\n";
        (parent, refusal) = MemoryCgroup.Parent("4:memory:/\n", unwritable);
        Assert.Null(parent);
        Assert.StartsWith("the memory cgroup /proc/frugal-no-such is not writable", refusal);
        Assert.DoesNotContain("\n", refusal!, StringComparison.Ordinal);
    }

    [Fact]
    public void TheKernelsOomKillCountIsReadFromOomControl() =>
        Assert.Equal(2, MemoryCgroup.ReadKeyed("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "oom_kill"));

    [SkippableFact]
    public void AGroupHoldsItsLimitAndIsRemovedWhenDisposed()
    {
        var (parent, refusal) = MemoryCgroup.Parent();
        Skip.If(parent is null, refusal);
        var group = MemoryCgroup.Create(parent, $"frugal-bench-test-{Environment.ProcessId}", 64L << 20);
        using (group)
        {
            Assert.Equal($"{64L << 20}", File.ReadAllText(Path.Combine(group.Path, "memory.limit_in_bytes")).Trim());
            Assert.Equal(0, group.OomKills);
        }
        Assert.False(Directory.Exists(group.Path));
    }

    [SkippableFact]
    public void AStoreInAGroupMayUseTheWholeLimitForItsHeap()
    {
        var (parent, refusal) = MemoryCgroup.Parent();
        Skip.If(parent is null, refusal);
        using var group = MemoryCgroup.Create(parent, $"frugal-bench-test-{Environment.ProcessId}", 1479L << 20);
        var start = KvBenchCommand.ChildStart(
            new KvBenchCommand.Settings(), "frugal", 0.125, _dir.FullName, "rows.json", group);
        // In bytes, hexadecimal: the runtime ignores a percentage of 100 and would cap the heap, and with it the
        // budgets the store accepts, at 75% of the limit.
        Assert.Equal("5c700000", start.Environment["DOTNET_GCHeapHardLimit"]);
        Assert.DoesNotContain("DOTNET_GCHeapHardLimitPercent", start.Environment.Keys);
    }

    [Theory]
    [InlineData("--memory-limit", "bogus", "'bogus'")]
    [InlineData("--memory-overhead", "1", "--memory-overhead")]
    public void BadMemoryLimitOptionsAreRefusedInOneLine(string option, string value, string named)
    {
        var errors = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(new StringWriter()),
        });
        var code = BenchApp.Run(["kv", "bench", "--stores", "frugal", option, value], console, errors);
        Assert.Equal(2, code);
        Assert.Contains(named, errors.ToString());
        Assert.Single(errors.ToString().Trim().Split('\n'));
    }

    [SkippableFact]
    public void TheCounterMeasuresTheDiskThatHoldsTheFolder()
    {
        var disk = BlockDeviceIo.For(_dir.FullName);
        Skip.If(disk is null, $"{_dir.FullName} is on no block device");
        // stat(1) names the device a file lives on as major and minor numbers.
        var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%Hd %Ld", _dir.FullName])
        {
            RedirectStandardOutput = true,
        })!;
        var numbers = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        Assert.Equal(numbers, $"{disk.Numbers.Major} {disk.Numbers.Minor}");
    }

    [SkippableFact]
    public void AStoreProcessWithoutCpuTimeIsStoppedAndOneThatWorksIsLeftToFinish()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the test's processes are Linux commands");
        using var idle = Process.Start("sleep", "60");
        Assert.False(KvBenchCommand.WaitWhileBusy(idle, TimeSpan.FromSeconds(1)));
        Assert.True(idle.HasExited);

        // Busy for a second or so of its own CPU time, then done: that time grows between every two looks.
        using var busy = Process.Start("sh", ["-c", "i=0; while [ $i -lt 1000000 ]; do i=$((i + 1)); done"]);
        Assert.True(KvBenchCommand.WaitWhileBusy(busy, TimeSpan.FromSeconds(1)));
        Assert.Equal(0, busy.ExitCode);
    }
}
