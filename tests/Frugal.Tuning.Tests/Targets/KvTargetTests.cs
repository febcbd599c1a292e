using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Kv;

namespace Frugal.Tuning.Tests.Targets;

public sealed class KvTargetTests
{
    // 20,000 records: the smallest round scale whose budget (half the data) gives the default split's hot log the
    // four 64 KiB pages it needs once the cold index has its eighth.
    private static KvTarget Tiny() =>
        new(new TargetOptions(Workload: "B", DurationSeconds: 0.1, WarmupSeconds: 0, Scale: 20), new SeedTree(1));

    [Fact]
    public void ATinyTrialMeasuresThroughputAndLatency()
    {
        using var target = Tiny();
        var space = KvTarget.Space();
        var measurement = target.Evaluate(space.DefaultConfiguration(), default);
        Assert.False(measurement.Failed, measurement.Failure);
        Assert.True(measurement.Metrics["ops_per_sec"] > 0);
        Assert.True(measurement.Metrics["p99_us"] >= measurement.Metrics["p50_us"]);
        Assert.Equal(20_000 * 108 / 2, target.MemoryBudget);
    }

    [Fact]
    public void ASplitTheStoreRefusesIsAFailedTrial()
    {
        using var target = Tiny();
        var configuration = new Dictionary<string, object>(KvTarget.Space().DefaultConfiguration())
        {
            ["page_size_bits"] = 20L,
        };
        var measurement = target.Evaluate(configuration, default);
        Assert.True(measurement.Failed);
        Assert.Contains("did not start", measurement.Failure);
    }

    [Theory]
    [InlineData("Z", null, null, null, TargetOptions.WorkloadSetting)]
    [InlineData(null, 0, null, null, TargetOptions.ScaleSetting)]
    [InlineData(null, null, double.NaN, null, TargetOptions.DurationSetting)]
    [InlineData(null, null, 0.0, null, TargetOptions.DurationSetting)]
    [InlineData(null, null, null, 4, TargetOptions.ClientsSetting)]
    public void BadOptionsAreBadInputNamingTheSetting(
        string? workload, int? scale, double? duration, int? clients, string setting)
    {
        var options = new TargetOptions(Workload: workload, DurationSeconds: duration, Clients: clients, Scale: scale);
        var error = Assert.Throws<BadInputException>(() => new KvTarget(options, new SeedTree(1)));
        Assert.Equal(setting, error.Setting);
        Assert.DoesNotContain("--", error.Message);
    }
}
