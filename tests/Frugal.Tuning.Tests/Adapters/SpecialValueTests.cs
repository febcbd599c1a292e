using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Tests.Adapters;

public sealed class SpecialValueTests
{
    /// <summary>
    /// Decodes n uniform positions and counts each special value; asserts each frequency within 5 binomial standard
    /// deviations of p.
    /// </summary>
    private static void AssertFrequencies(KnobDecoder decoder, params (double Value, double P)[] expected)
    {
        const int n = 40_000;
        var random = new SeedTree(11).Stream("u");
        var counts = new Dictionary<double, int>();
        for (var i = 0; i < n; i++)
        {
            var value = Convert.ToDouble(decoder.Decode(random.NextDouble()));
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }
        foreach (var (value, p) in expected)
        {
            var sd = Math.Sqrt(n * p * (1 - p));
            Assert.InRange(counts.GetValueOrDefault(value), n * p - 5 * sd, n * p + 5 * sd);
        }
    }

    [Fact]
    public void ASpecialValueComesUpWithItsProbability()
    {
        var knob = Knob.Integer("delay", 1, 1000, 20, special: new SpecialValue(-1, null));
        AssertFrequencies(new KnobDecoder(knob, biased: true, bias: 0.2), (-1, 0.2));
        AssertFrequencies(new KnobDecoder(knob, biased: true, bias: 0.05), (-1, 0.05));
        AssertFrequencies(new KnobDecoder(knob, biased: false, bias: 0.2), (-1, 0));
    }

    [Fact]
    public void TheFilesOwnProbabilitiesWinAndTheRestShareTheBias()
    {
        var knob =
            Knob.Integer("wal", 1, 1000, 20,
            special: [new SpecialValue(-1, 0.1), new SpecialValue(0, null), new SpecialValue(1000000, null)]);
        AssertFrequencies(new KnobDecoder(knob, biased: true, bias: 0.3), (-1, 0.1), (0, 0.15), (1000000, 0.15));
    }

    [Fact]
    public void AKnobWhoseSpecialMassReachesOneIsRefused()
    {
        var knob = Knob.Integer("wal", 1, 1000, 20, special: [new SpecialValue(-1, 0.5), new SpecialValue(0, null)]);
        var error = Assert.Throws<BadInputException>(() => new KnobDecoder(knob, biased: true, bias: 0.6));
        Assert.Contains("knob 'wal'", error.Message);
        Assert.Equal(AdapterSettings.BiasSetting, error.Setting);
        Assert.Equal(0.7, new KnobDecoder(knob, biased: true, bias: 0.2).SpecialMass, 12);
    }

    [Fact]
    public void TheRestOfTheMassMapsLinearlyOverTheWholeRange()
    {
        var decoder =
            new KnobDecoder(Knob.Real("cost", 0, 10, 1, special: new SpecialValue(-1, 0.2)), biased: true, bias: 0.2);
        Assert.Equal(-1.0, decoder.Decode(0.19));
        Assert.Equal(0.0, decoder.Decode(0.2));
        Assert.Equal(5.0, decoder.Decode(0.6));
        Assert.Equal(10.0, decoder.Decode(1.0));
        Assert.Equal(3.33, decoder.Decode(0.2 + 0.8 / 3));
    }

    [Fact]
    public void ALogScaleKnobMapsOnTheLogScale()
    {
        var decoder = new KnobDecoder(Knob.Integer("mem", 1, 1_000_000, 10, log: true), biased: false, bias: 0.2);
        Assert.Equal(1L, decoder.Decode(0));
        Assert.Equal(1000L, decoder.Decode(0.5));
        Assert.Equal(1_000_000L, decoder.Decode(1));
    }
}
