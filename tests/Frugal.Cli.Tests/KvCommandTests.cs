using Spectre.Console.Testing;

namespace Frugal.Cli.Tests;

public sealed class KvCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "frugal-kv-cli-tests-" + Guid.NewGuid().ToString("N"));

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
        Assert.Contains("not found", errors);

        (code, output, _) = Run("kv", "stats", "--dir", dir, "--memory-mib", "8", "--json");
        Assert.Equal(0, code);
        Assert.Contains("\"TailAddress\"", output);
        Assert.Equal(0, Run("kv", "checkpoint", "--dir", dir, "--memory-mib", "8").ExitCode);
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
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Single(errors.TrimEnd('\n').Split('\n'));
        Assert.Contains("checkpoint.meta", errors);
    }
}
