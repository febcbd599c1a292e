using Frugal.Tuning.Adapters;

namespace Frugal.Tuning.Tests.Adapters;

public sealed class TuningMethodTests
{
    [Fact]
    public void PlainOptimisersUseTheIdentity()
    {
        var method = TuningMethod.Parse("random");
        Assert.True(method.IsPlain);
        Assert.Equal("random", method.Optimizer);
    }

    [Fact]
    public void LlamaTuneIsHeSboSixteenSpecialPointTwoAndTenThousandBuckets()
    {
        var method = TuningMethod.Parse("llamatune-random");
        Assert.Equal(new AdapterSettings(Projection.HeSbo, 16, SpecialBias: true, Bias: 0.2, Buckets: 10_000), method.Adapter);
    }

    [Fact]
    public void PartsCombineAndOptionsOverrideTheDefaults()
    {
        Assert.Equal(new AdapterSettings(Projection.Rembo, 8, SpecialBias: false, Buckets: 500), TuningMethod.Parse("rembo-bucket-random", 8, null, 500).Adapter);
        Assert.Equal(new AdapterSettings(SpecialBias: true, Bias: 0.05), TuningMethod.Parse("special-random", bias: 0.05).Adapter);
        Assert.Equal(new AdapterSettings(Buckets: 10_000), TuningMethod.Parse("bucket-random").Adapter);
    }

    [Theory]
    [InlineData("annealing", "unknown method 'annealing' (known: random")]
    [InlineData("turbo-random", "parts from llamatune, hesbo, rembo, special, bucket")]
    [InlineData("hesbo-rembo-random", "pick one")]
    [InlineData("hesbo-hesbo-random", "twice")]
    public void BadNamesAreRefusedListingTheKnownOnes(string name, string mentions) =>
        Assert.Contains(mentions, Assert.Throws<ArgumentException>(() => TuningMethod.Parse(name)).Message);

    [Fact]
    public void OutOfRangeSettingsAreRefused()
    {
        Assert.Contains("--dims", Assert.Throws<ArgumentException>(() => TuningMethod.Parse("hesbo-random", dimensions: 0)).Message);
        Assert.Contains("--bias", Assert.Throws<ArgumentException>(() => TuningMethod.Parse("special-random", bias: 1)).Message);
        Assert.Contains("--buckets", Assert.Throws<ArgumentException>(() => TuningMethod.Parse("bucket-random", buckets: 1)).Message);
    }
}
