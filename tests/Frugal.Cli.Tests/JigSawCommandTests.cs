namespace Frugal.Cli.Tests;

public class JigSawCommandTests
{
    [Fact]
    public void ScheduleSimulateRunsJigSawAgainstItsBaseline()
    {
        var (code, output, errors) = CliRunner.Run("schedule", "simulate", "--policy", "jigsaw", "--cluster", "v100=32",
            "--base", "srtf", "--kappa", "0.1", "--json");
        Assert.True(code == 0, errors);
        Assert.Contains("\"policy\": \"jigsaw-srtf\"", output);
        Assert.Contains("\"efficiencyGain\"", output);
    }

    [Theory]
    [InlineData("--spb-max-sigma", "1.5", "--spb-max-sigma: the skipped-backward fraction σ must be from 0 to 1")]
    [InlineData("--kappa", "-1", "--kappa: κ must be from 0 to 1")]
    [InlineData("--base", "lifo", "--base: unknown base order 'lifo'")]
    public void OutOfRangeJigSawSettingsNameTheirFlag(string flag, string value, string message)
    {
        var (code, _, errors) = CliRunner.Run("schedule", "simulate", "--policy", "jigsaw", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, errors);
    }

    [Fact]
    public void JigSawTrainRejectsSigmaOutsideZeroToOne()
    {
        var (code, _, errors) = CliRunner.Run("jigsaw", "train", "--spb-sigma", "3");
        Assert.Equal(2, code);
        Assert.Contains("--spb-sigma: the skipped-backward fraction σ must be from 0 to 1; got 3", errors);
    }

    [Fact]
    public void JigSawTrainComparesSigmaWithPlainTraining()
    {
        var (code, output, errors) = CliRunner.Run("jigsaw", "train", "--epochs", "1", "--json");
        Assert.True(code == 0, errors);
        Assert.Contains("\"backwardFlopsRatio\"", output);
        Assert.Contains("\"depths\"", output);
    }
}
