using System.Text.Json;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class CompressCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-compress-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void CodecReportsTheExactQuantisedRatio()
    {
        var (code, output, errors) = Run("compress", "codec", "--method", "q8", "--shape", "4,2,16", "--repeat", "1",
            "--json");
        Assert.True(code == 0, errors);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(4 * 2 * 16 + 2 * 16, report.GetProperty("payloadBytes").GetInt64());
    }

    [Theory]
    [InlineData("srht", 8 * 2 * 4)] // m = 16/8 = 2 fp32 values per row
    [InlineData("ct", 8 * 2 * 4)]
    [InlineData("q4+stochastic+rms", 8 * 8 + 2 * 16)]
    public void NewCodecsAndOptionsRunFromTheCommandLine(string method, long payload)
    {
        var (code, output, errors) = Run("compress", "codec", "--method", method, "--shape", "4,2,16", "--repeat", "1",
            "--json");
        Assert.True(code == 0, errors);
        Assert.Equal(payload, JsonDocument.Parse(output).RootElement.GetProperty("payloadBytes").GetInt64());
    }

    [Theory]
    [InlineData("--method", "q3", "unknown codec 'q3'")]
    [InlineData("--ratio", "0.5", "--ratio: compression ratio 0.5")]
    [InlineData("--keep", "1000", "--keep: k = 1000 exceeds")]
    [InlineData("--method", "topk+stochastic", "--method: stochastic rounding applies to quantisation")]
    [InlineData("--method", "q4+fast", "--method: unknown codec option 'fast'")]
    [InlineData("--sketch-size", "5", "--sketch-size: sketch size 5 exceeds the hidden size 4")]
    public void BadCodecSettingsAreOneLineAndExitTwo(string option, string value, string mentions)
    {
        string[] method = option switch
        {
            "--method" => [],
            "--sketch-size" => ["--method", "srht"],
            _ => ["--method", "topk"],
        };
        var (code, _, errors) = Run(["compress", "codec", .. method, option, value, "--shape", "4,4"]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
    }

    [Fact]
    public void AStudyResumedWithOtherSettingsIsRefusedAndKeepsItsRuns()
    {
        var grid = Path.Combine(_folder, "grid.txt");
        File.WriteAllText(grid, "methods = none\nparallelism = PP2\nsteps = 2\nwarmup = 0\nlayers = 2\nhidden = 16\n" +
                                "sequence = 8\nmicro-batch-size = 2\nvalidation-batches = 1\nlinks = 100us/1Gbps\n");
        var log = Path.Combine(_folder, "runs.jsonl");
        var (code, _, errors) = Run("compress", "study", "--grid", grid, "--log", log, "--out",
            Path.Combine(_folder, "out"));
        Assert.True(code == 0, errors);
        var lines = File.ReadAllLines(log);
        File.AppendAllText(grid, "steps = 3\n");
        (code, _, errors) = Run("compress", "study", "--grid", grid, "--log", log, "--resume", "--out",
            Path.Combine(_folder, "out"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "field steps is 2 in the file but 3 now");
        Assert.Equal(lines, File.ReadAllLines(log));
        File.WriteAllText(grid, "ratios = 4, 0\n");
        (code, _, errors) = Run("compress", "study", "--grid", grid, "--out", Path.Combine(_folder, "out2"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "grid.txt:1: field ratios:");
    }
}
