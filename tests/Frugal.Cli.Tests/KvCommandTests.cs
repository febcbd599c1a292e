using System.Security.Cryptography;
using Spectre.Console.Testing;

namespace Frugal.Cli.Tests;

public sealed class KvCommandTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-kv-cli-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static (int ExitCode, string Output, string Errors) Run(params string[] args)
    {
        var console = new TestConsole().Width(200);
        var errors = new StringWriter();
        var code = FrugalApp.Run(args, console, errors);
        return (code, console.Output, errors.ToString());
    }

    [Fact]
    public void LoadPutGetDeleteAndStatsWorkAcrossProcessesWorthOfReopens()
    {
        var dir = Path.Combine(_root, "db");
        Assert.Equal(0, Run("kv", "load", "--dir", dir, "--records", "5000", "--memory-mib", "8").ExitCode);
        var (code, output, _) = Run("kv", "get", "--dir", dir, "key4999", "--memory-mib", "8");
        Assert.Equal(0, code);
        Assert.Equal(100, output.Trim().Length);

        Assert.Equal(0, Run("kv", "put", "--dir", dir, "greeting", "hello world", "--memory-mib", "8").ExitCode);
        Assert.Equal("hello world", Run("kv", "get", "--dir", dir, "greeting", "--memory-mib", "8").Output.Trim());
        Assert.Equal(0, Run("kv", "delete", "--dir", dir, "greeting", "--memory-mib", "8").ExitCode);
        var (missing, _, errors) = Run("kv", "get", "--dir", dir, "greeting", "--memory-mib", "8");
        Assert.Equal(ExitCodes.Failure, missing);
        Assert.Equal($"frugal: key 'greeting' not found in {dir}.", errors.Trim());

        (code, output, _) = Run("kv", "stats", "--dir", dir, "--memory-mib", "8", "--json");
        Assert.Equal(0, code);
        Assert.Contains("\"tailAddress\"", output);
        Assert.Contains("\"recovery\"", output);
        Assert.Equal(0, Run("kv", "checkpoint", "--dir", dir, "--memory-mib", "8").ExitCode);
    }

    [Fact]
    public void DirectIoStoresWhatBufferedIoReadsBackAndStatsSaySo()
    {
        var dir = Path.Combine(_root, "direct");
        Assert.Equal(0, Run("kv", "load", "--dir", dir, "--records", "3000", "--memory-mib", "8", "--io", "direct")
            .ExitCode);
        Assert.Equal(0, Run("kv", "put", "--dir", dir, "greeting", "hello", "--memory-mib", "8", "--io", "direct")
            .ExitCode);
        Assert.Equal("hello", Run("kv", "get", "--dir", dir, "greeting", "--memory-mib", "8").Output.Trim());
        var (code, output, _) = Run("kv", "stats", "--dir", dir, "--memory-mib", "8", "--io", "direct", "--json");
        Assert.Equal(0, code);
        Assert.Contains("\"io\": \"direct (O_DIRECT", output);
        Assert.Equal(ExitCodes.Usage, Run("kv", "stats", "--dir", dir, "--io", "sideways").ExitCode);
    }

    [Fact]
    public void BadInputIsAOneLineUsageError()
    {
        var (code, _, errors) = Run("kv", "get", "somekey");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("frugal: error: --dir", errors);

        (code, _, errors) = Run("kv", "stats", "--dir", Path.Combine(_root, "missing"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no store", errors);

        var foreign = Path.Combine(_root, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "checkpoint.meta"), "not a checkpoint");
        (code, _, errors) = Run("kv", "stats", "--dir", foreign);
        Assert.Equal(ExitCodes.CorruptData, code);
        Assert.Single(errors.TrimEnd('\n').Split('\n'));
        Assert.Contains("checkpoint.meta", errors);

        (code, _, errors) = Run("kv", "load", "--dir", Path.Combine(_root, "big"), "--records", "99999999999");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("frugal: error: --records: 99999999999 is not in [0, 100000000]", errors);
        Assert.False(Directory.Exists(Path.Combine(_root, "big")));
        (code, _, errors) = Run("kv", "load", "--dir", Path.Combine(_root, "big"), "--memory-mib", "0");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("frugal: error: --memory-mib", errors);
        Assert.DoesNotContain("Exception", errors);
        (code, _, errors) = Run(
            "kv", "load", "--dir", Path.Combine(_root, "tiny"), "--records", "10", "--memory-mib", "1",
            "--value-bytes", "100000");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("frugal: error: --value-bytes: 100000 bytes", errors);
    }

    [Fact]
    public void StatsWritesItsJsonToTheFileJsonNamesAndChecksThatFileFirst()
    {
        var dir = Path.Combine(_root, "db");
        Assert.Equal(0, Run("kv", "load", "--dir", dir, "--records", "100", "--memory-mib", "2").ExitCode);
        var json = Path.Combine(_root, "stats.json");
        var (code, output, _) = Run("kv", "stats", "--dir", dir, "--memory-mib", "2", "--json", json);
        Assert.Equal(0, code);
        Assert.Contains("torn tail dropped", output);
        Assert.Contains("\"tailAddress\"", File.ReadAllText(json));

        (code, _, var errors) = Run("kv", "stats", "--dir", Path.Combine(_root, "missing"), "--json", "/proc/s.json");
        Assert.Equal(ExitCodes.Usage, code);
        CliRunner.AssertOneLineError(errors, "--json: cannot write into folder '/proc'");
    }

    [Fact]
    public void ReadingCommandsOpenExistingStoresOnlyAndNeverWrite()
    {
        var empty = Path.Combine(_root, "empty");
        Directory.CreateDirectory(empty);
        foreach (var command in new[] { "get", "stats" })
        {
            string[] args = command == "get" ? ["kv", "get", "--dir", empty, "key7"] : ["kv", "stats", "--dir", empty];
            var (code, _, errors) = Run(args);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.StartsWith("frugal: error: --dir:", errors);
            Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
        }
        Assert.Equal(ExitCodes.Usage, Run("kv", "delete", "--dir", empty, "key7").ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));

        var dir = Path.Combine(_root, "db");
        // The defaults: 100,000 records of 100 bytes.
        Assert.Equal(0, Run("kv", "load", "--dir", dir, "--memory-mib", "2").ExitCode);
        var before = Files(dir);
        Assert.Equal(100, Run("kv", "get", "--dir", dir, "key99999", "--memory-mib", "2").Output.Trim().Length);
        Assert.Equal(0, Run("kv", "get", "--dir", dir, "key17", "--memory-mib", "2").ExitCode);
        Assert.Equal(0, Run("kv", "stats", "--dir", dir, "--memory-mib", "2").ExitCode);
        Assert.Equal(before, Files(dir));
    }

    [Fact]
    public void AForeignCheckpointIsCorruptDataAndTheStoreIsKept()
    {
        var dir = Path.Combine(_root, "db");
        var other = Path.Combine(_root, "other");
        Assert.Equal(0, Run("kv", "load", "--dir", dir, "--records", "20000", "--memory-mib", "2").ExitCode);
        Assert.Equal(0, Run("kv", "load", "--dir", other, "--records", "100", "--memory-mib", "2").ExitCode);
        var value = Run("kv", "get", "--dir", dir, "key19999", "--memory-mib", "2").Output;
        var meta = Path.Combine(dir, "checkpoint.meta");
        var ours = File.ReadAllBytes(meta);
        File.Copy(Path.Combine(other, "checkpoint.meta"), meta, overwrite: true);
        var before = Files(dir);
        string[][] commands =
        [
            ["get", "--dir", dir, "key7"], ["stats", "--dir", dir], ["put", "--dir", dir, "a", "b"],
            ["checkpoint", "--dir", dir],
        ];
        foreach (var args in commands)
        {
            var (code, _, errors) = Run(["kv", .. args, "--memory-mib", "2"]);
            Assert.Equal(ExitCodes.CorruptData, code);
            Assert.StartsWith("frugal: corrupt data:", errors);
        }
        Assert.Equal(before, Files(dir));
        File.WriteAllBytes(meta, ours);
        Assert.Equal(value, Run("kv", "get", "--dir", dir, "key19999", "--memory-mib", "2").Output);
    }

    /// <summary>Every file under <paramref name="dir"/>: name, contents and modification time, as one string.</summary>
    private static string Files(string dir) => string.Join("\n", Directory
        .GetFiles(dir, "*", SearchOption.AllDirectories)
        .Order()
        .Select(f => $"{f} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))} "
                     + $"{File.GetLastWriteTimeUtc(f):O}"));
}
