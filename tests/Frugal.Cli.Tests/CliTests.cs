using System.Diagnostics;
using System.Text.Json;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-cli-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }



    [Fact]
    public void HelpListsTheCommandsAndGlobalOptions()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("reproduce", output);
        Assert.Contains("experiments", output);

        (code, output, _) = Run("reproduce", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--quick", "--only", "--seed", "--out", "--json" }) Assert.Contains(option,
            output);
    }

    [Fact]
    public void VersionIsPrinted()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(FrugalApp.Version, output.Trim());
    }

    [Fact]
    public void AnUnknownCommandIsAOneLineUsageError()
    {
        var (code, _, errors) = Run("nosuchcommand");
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, "nosuchcommand");
    }

    [Fact]
    public void ControlCharactersQuotedFromAFileAreShownEscaped()
    {
        Directory.CreateDirectory(_root);
        var trace = Path.Combine(_root, "escape.log");
        // The Mirage format: the first line counts the jobs, then a header, a rule and tab-separated rows.
        File.WriteAllText(trace, "1\n JobID JobName UID Start Submit End Priority TimelimitR ExitCode NNodes\n---\n" +
                                 "7\tx\t0\t\u001b[31mred\t2022-10-05T11:52:48\t2022-11-03T15:34:15\t1\t2880\t0:0\t2\n");
        var (code, _, errors) = Run("provision", "simulate", "--trace", trace);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.DoesNotContain('\u001b', errors);
        AssertOneLineError(errors, "\\x1B[31mred");
    }

    [Fact]
    public void AnUnknownOptionIsAOneLineUsageError()
    {
        var (code, _, errors) = Run("reproduce", "--nosuchoption");
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, "nosuchoption");
    }

    [Fact]
    public void AMalformedSeedIsAOneLineUsageError()
    {
        var (code, _, errors) = Run("reproduce", "--seed", "banana", "--out", _root);
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, "banana");
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public void AnUnknownExperimentIsAOneLineUsageErrorAndWritesNothing()
    {
        var (code, _, errors) =
            Run("reproduce", "--quick", "--only", "core.distributions,nosuchexperiment", "--out", _root);
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, "'nosuchexperiment'");
        Assert.Contains("core.distributions", errors);
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public void AnUnwritableOutputFolderIsAOneLineUsageError()
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "keep me");
        var (code, _, errors) = Run("reproduce", "--quick", "--out", Path.Combine(file, "out"));
        Assert.Equal(ExitCodes.Usage, code);
        AssertOneLineError(errors, "a-file");
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void ReproduceQuickWritesResultsAndAReportWithPlots()
    {
        var (code, output, errors) = Run("reproduce", "--quick", "--out", _root);
        Assert.True(code == 0, errors + output);
        Assert.Contains("core.distributions", output);
        Assert.Contains("passed", output);

        var report = File.ReadAllText(Path.Combine(_root, "report", "index.html"));
        Assert.Contains("data:image/png;base64,", report);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_root, "report", "plots"), "*.png"));
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "results", "core.distributions.json")));
        Assert.Equal("42", json.RootElement.GetProperty("parameters").GetProperty("seed").GetString());
    }

    [Fact]
    public void TheSameSeedGivesTheSameResultsAndAnotherSeedDifferentOnes()
    {
        string ResultFor(string seed, string folder)
        {
            var (code, _, errors) =
                Run("reproduce", "--quick", "--only", "core", "--seed", seed, "--out", Path.Combine(_root, folder));
            Assert.True(code == 0, errors);
            return File.ReadAllText(Path.Combine(_root, folder, "results", "core.distributions.json"));
        }
        var first = ResultFor("7", "a");
        Assert.Equal(first, ResultFor("7", "b"));
        Assert.NotEqual(first, ResultFor("8", "c"));
    }

    [Fact]
    public void JsonOutputIsMachineReadable()
    {
        var (code, output, errors) = Run("reproduce", "--quick", "--json", "--out", _root);
        Assert.True(code == 0, errors);
        var results = JsonDocument.Parse(output).RootElement;
        Assert.Equal(JsonValueKind.Array, results.ValueKind);
        Assert.Equal("core.distributions", results[0].GetProperty("name").GetString());

        (code, output, _) = Run("experiments", "--json");
        Assert.Equal(0, code);
        Assert.Equal("core.distributions", JsonDocument.Parse(output).RootElement[0].GetProperty("name").GetString());
    }

    [Fact]
    public void TheInstalledCommandExitsWithTwoOnAnUnknownCommand()
    {
        // The real process, not just the in-process entry point: Program.cs wiring and the exit code.
        var dll = Path.Combine(AppContext.BaseDirectory, "frugal.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "nosuchcommand"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(ExitCodes.Usage, process.ExitCode);
        AssertOneLineError(errors, "nosuchcommand");
    }
}
