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
    [InlineData("--spb-max-sigma-per-model", "VGG=0.25", "--spb-max-sigma-per-model: σ_max names unknown model 'VGG'")]
    [InlineData("--spb-max-sigma-per-model", "LM=2", "--spb-max-sigma-per-model: the skipped-backward fraction σ")]
    [InlineData("--spb-max-sigma-per-model", "LM", "--spb-max-sigma-per-model: 'LM' is not MODEL=SIGMA")]
    [InlineData("--full-sync-period", "-2", "--full-sync-period: the full-sync period must be from 0")]
    public void OutOfRangeJigSawSettingsNameTheirFlag(string flag, string value, string message)
    {
        var (code, _, errors) = CliRunner.Run("schedule", "simulate", "--policy", "jigsaw", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, errors);
    }

    [Fact]
    public void ScheduleSimulateTakesPerModelSigmaMaxTheFullSyncGuardAndSeveralGpuTypes()
    {
        var (code, output, errors) = CliRunner.Run("schedule", "simulate", "--policy", "jigsaw",
            "--cluster", "k80=8,v100=24", "--spb-max-sigma-per-model", "lm=0,ResNet-50=0.25", "--full-sync-period",
            "8", "--json");
        Assert.True(code == 0, errors);
        Assert.Contains("\"cluster\": \"k80=8,v100=24\"", output);
        Assert.Contains("\"efficiencyGain\"", output);
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
