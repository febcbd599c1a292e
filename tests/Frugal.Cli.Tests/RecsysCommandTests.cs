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
    public void AnUnknownStoreModeOrModelExitsTwo(string option, string value, string mentions)
    {
        var (code, _, errors) = Run([.. Tiny, option, value]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
    }
}
