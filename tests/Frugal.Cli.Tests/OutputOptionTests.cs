using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

/// <summary>Every command checks where <c>--out</c> and <c>--json PATH</c> point before it starts its work.</summary>
public sealed class OutputOptionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(),
        "frugal-output-tests-" + Guid.NewGuid().ToString("N"));

    public OutputOptionTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("/nonexistent-frugal-folder/r.json", "--json: folder '/nonexistent-frugal-folder' does not exist.")]
    [InlineData("/proc/r.json", "--json: cannot write into folder '/proc'.")]
    [InlineData("/tmp", "--json: '/tmp' is a folder, not a file.")]
    public void AJsonPathThatCannotBeWrittenStopsTheRunBeforeItStarts(string path, string message)
    {
        var output = Path.Combine(_root, "out");
        var (code, _, errors) = Run("reproduce", "--quick", "--only", "core.distributions", "--out", output, "--json",
            path);
        Assert.Equal(2, code);
        AssertOneLineError(errors, message);
        Assert.False(Directory.Exists(output), "nothing ran");
        (code, _, errors) = Run("experiments", "--json", path);
        Assert.Equal(2, code);
        AssertOneLineError(errors, message);
    }

    [Fact]
    public void AJsonFileInAnExistingFolderIsWritten()
    {
        var path = Path.Combine(_root, "experiments.json");
        var (code, _, errors) = Run("experiments", "--json", path);
        Assert.True(code == 0, errors);
        Assert.Contains("core.distributions", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("", "--out: no folder named.")]
    [InlineData(" ", "--out: no folder named.")]
    public void AnEmptyOutputFolderIsRefusedByEveryCommand(string folder, string message)
    {
        foreach (string[] args in new[] { new[] { "experiments" }, ["reproduce", "--quick"], ["tune", "targets"] })
        {
            var (code, _, errors) = Run([.. args, "--out", folder]);
            Assert.Equal(2, code);
            AssertOneLineError(errors, message);
        }
    }

    [Fact]
    public void AnOutputFolderThatCannotBeWrittenStopsOnlyCommandsThatWriteThere()
    {
        var (code, _, errors) = Run("reproduce", "--quick", "--only", "core.distributions", "--out",
            "/proc/frugal-out");
        Assert.Equal(2, code);
        AssertOneLineError(errors, "--out: cannot write into folder '/proc'.");
        // Listing the experiments writes nothing into --out, so it runs wherever --out points.
        (code, _, errors) = Run("experiments", "--out", "/proc/frugal-out");
        Assert.True(code == 0, errors);
    }
}
