using System.Text.Json;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class EnergyCommandTests
{
    [Fact]
    public void TuneRecommendsAFeasibleConfigurationAndReportsVirtualTime()
    {
        var (code, output, errors) = Run("energy", "tune", "--profile", "vision", "--slo-ms", "100", "--budget", "12",
            "--json");
        Assert.True(code == 0, errors);
        var run = JsonDocument.Parse(output).RootElement;
        Assert.True(run.GetProperty("modelLatencyMs").GetDouble() <= 100);
        Assert.True(run.GetProperty("modelEnergyJ").GetDouble() < 0.1950); // better than max clocks
        Assert.True(run.GetProperty("virtualSeconds").GetDouble() > 0);
        Assert.Equal(1220, run.GetProperty("cpuMHz").GetDouble());
        Assert.Equal("search", run.GetProperty("samples")[21].GetProperty("phase").GetString());
    }

    [Fact]
    public void TuneShowsALiveTableOfSamples()
    {
        var (code, output, errors) = Run("energy", "tune", "--slo-ms", "200", "--budget", "6", "--noise-free");
        Assert.True(code == 0, errors);
        Assert.Contains("verify", output);
        Assert.Contains("recommended:", output);
        Assert.Contains("virtual tuning time", output);
    }

    [Fact]
    public void GridPrintsTheGoldenRow()
    {
        var (code, output, errors) = Run("energy", "grid", "--profile", "vision", "--slo-ms", "100", "--json");
        Assert.True(code == 0, errors);
        var row = JsonDocument.Parse(output).RootElement[0];
        Assert.Equal(0.1462, Math.Round(row.GetProperty("energyJ").GetDouble(), 4));
        Assert.Equal(152, row.GetProperty("feasible").GetInt32());
    }

    [Fact]
    public void ReplayAdmitsFineTuningOnlyUnderTheLooserSlo()
    {
        var (code, output, errors) = Run("energy", "replay", "--fine-tune", "--json");
        Assert.True(code == 0, errors);
        var phases = JsonDocument.Parse(output).RootElement.GetProperty("phases");
        Assert.Equal(0, phases[0].GetProperty("steps").GetInt32());
        Assert.True(phases[1].GetProperty("steps").GetInt32() > 0);
        Assert.Equal(0, phases[1].GetProperty("violations").GetInt32());
    }

    [SkippableTheory]
    [InlineData("--slo-ms: a latency SLO of 5 ms is below the fastest configuration's latency, 12.0 ms", "energy",
        "tune", "--slo-ms", "5")]
    [InlineData("--profile: unknown profile 'audio'", "energy", "tune", "--slo-ms", "50", "--profile", "audio")]
    [InlineData("--grid: unknown grid 'xavier'", "energy", "grid", "--grid", "xavier")]
    [InlineData("--device: unknown device 'tpu'", "energy", "measure", "--device", "tpu")]
    [InlineData("--gpu-mhz: 970 MHz is not a GPU clock", "energy", "measure", "--gpu-mhz", "970")]
    [InlineData("--device: rapl unavailable", "energy", "measure", "--device", "rapl")]
    public void BadInputIsOneLineAndExitTwo(string mentions, params string[] args)
    {
        Skip.If(args.Contains("rapl") && File.Exists("/sys/class/powercap/intel-rapl:0/energy_uj"),
            "this machine has RAPL");
        var (code, _, errors) = Run(args);
        Assert.Equal(2, code);
        AssertOneLineError(errors, mentions);
    }

    [Fact]
    public void ReproduceRunsTheQuickExperiment()
    {
        var root = Path.Combine(Path.GetTempPath(), "frugal-energy-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, errors) = Run("reproduce", "--quick", "--only", "energy.polythrottle", "--out", root);
            Assert.True(code == 0, errors);
            Assert.True(File.Exists(Path.Combine(root, "results", "energy.polythrottle.cases.csv")));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
