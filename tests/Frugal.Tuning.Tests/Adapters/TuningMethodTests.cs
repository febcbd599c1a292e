using Frugal.Core.Errors;
using Frugal.Tuning.Adapters;

namespace Frugal.Tuning.Tests.Adapters;

public sealed class TuningMethodTests
{
    [Fact]
    public void PlainOptimisersUseTheIdentity()
    {
        var method = TuningMethod.Parse("random");
        Assert.True(method.IsPlain);
        Assert.Empty(method.Adapters);
        Assert.Equal("random", method.Optimizer);
    }

    [Fact]
    public void LlamaTuneIsHeSboSixteenSpecialPointTwoAndTenThousandBuckets()
    {
        var method = TuningMethod.Parse("llamatune-random");
        Assert.Equal(["special", "hesbo", "bucket"], method.Adapters);
        Assert.Equal(new AdapterSettings(16, 0.2, 10_000), method.Settings);
        Assert.Equal("llamatune-random (d=16, bias=0.2, buckets=10000)", method.Describe());
        // The reference's OpenBox-GP configurations bucketise nothing.
        Assert.Equal(["special", "hesbo"], TuningMethod.Parse("llamatune-gp").Adapters);
    }

    [Fact]
    public void PartsCombineInOneOrderAndOptionsOverrideTheDefaults()
    {
        var rembo = TuningMethod.Parse("bucket-rembo-random", 8, null, 500);
        Assert.Equal(["rembo", "bucket"], rembo.Adapters);
        Assert.Equal(new AdapterSettings(8, 0.2, 500), rembo.Settings);
        Assert.Equal(["special"], TuningMethod.Parse("special-random", bias: 0.05).Adapters);
        Assert.Equal(0.05, TuningMethod.Parse("special-random", bias: 0.05).Settings.Bias);
        Assert.Equal("bucket-random (d=16, bias=0.2, buckets=10000)", TuningMethod.Parse("bucket-random").Describe());
        Assert.Equal("hesbo-special-random (d=4, bias=0.2, buckets=none)", TuningMethod.Parse(" HeSBO-Special-Random ",
            4).Describe());
        // llamatune already holds hesbo: naming it again adds nothing.
        Assert.Equal(TuningMethod.Parse("llamatune-smac").Adapters,
            TuningMethod.Parse("llamatune-hesbo-smac").Adapters);
    }

    [Theory]
    [InlineData("annealing", "unknown optimizer 'annealing'; known: random, lhs, gp, smac")]
    [InlineData("turbo-random", "unknown adapter 'turbo'; known: llamatune, special, hesbo, rembo, bucket")]
    public void UnknownNamesAreRefusedListingTheKnownOnes(string name, string message) =>
        Assert.Equal(message, Assert.Throws<UnknownNameException>(() => TuningMethod.Parse(name)).Message);

    [Theory]
    [InlineData("hesbo-rembo-random", "pick one")]
    [InlineData("llamatune-rembo-random", "pick one")]
    [InlineData("hesbo-hesbo-random", "twice")]
    public void PartsThatExcludeEachOtherOrRepeatAreRefused(string name, string mentions)
    {
        var error = Assert.Throws<BadInputException>(() => TuningMethod.Parse(name));
        Assert.Contains(mentions, error.Message);
        Assert.Equal(TuningMethod.Setting, error.Setting);
    }

    [Theory]
    [InlineData(0, null, null, AdapterSettings.DimensionsSetting)]
    [InlineData(null, 1.0, null, AdapterSettings.BiasSetting)]
    [InlineData(null, double.NaN, null, AdapterSettings.BiasSetting)]
    [InlineData(null, null, 1, AdapterSettings.BucketsSetting)]
    public void OutOfRangeSettingsAreRefusedNamingTheSettingNotAnOption(int? dimensions, double? bias, int? buckets,
        string setting)
    {
        // Every setting is checked, whether or not the method uses it.
        var error = Assert.Throws<BadInputException>(() => TuningMethod.Parse("random", dimensions, bias, buckets));
        Assert.Equal(setting, error.Setting);
        Assert.DoesNotContain("--", error.Message);
    }

    [Fact]
    public void AComparisonNamesEachMethodOnce()
    {
        Assert.Equal(["random", "hesbo-random"], TuningMethod.ParseAll(["random", "hesbo-random"]).Select(m => m.Name));
        Assert.Contains("'random' is named twice",
            Assert.Throws<BadInputException>(() => TuningMethod.ParseAll(["random", "RANDOM"])).Message);
        Assert.Equal(TuningMethod.Setting, Assert.Throws<BadInputException>(() => TuningMethod.ParseAll([])).Setting);
    }
}
