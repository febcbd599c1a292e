using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Tests.Adapters;

public sealed class ProjectionTests
{
    private static SearchSpace Reals(int count) =>
        new("reals", Enumerable.Range(0, count).Select(i => Knob.Real($"r{i}", 0, 1, 0.5)).ToArray());

    private static SpaceAdapter HeSbo(SearchSpace space, ulong seed, int d = 4) =>
        new(space, [new HeSboProjection(d)], Seeds(seed));

    private static SeedTree Seeds(ulong seed) => new SeedTree(seed).Child("adapter");

    private static (int[] Hash, double[] Sign) Drawn(SearchSpace space, ulong seed, int d = 4) =>
        HeSboProjection.Draw(space.Knobs.Count, d, Seeds(seed));

    [Fact]
    public void HeSboCopiesOneLowDimensionPerKnobWithASign()
    {
        var adapter = HeSbo(Reals(20), seed: 3);
        var (hash, sign) = Drawn(Reals(20), seed: 3);
        Assert.Equal(4, adapter.Dimensions.Count);
        Assert.All(adapter.Dimensions, d => Assert.True(d.IsContinuous));
        Assert.All(hash, h => Assert.InRange(h, 0, 3));
        Assert.All(sign, s => Assert.True(s is 1 or -1));
        Assert.True(sign.Distinct().Count() == 2 && hash.Distinct().Count() > 1,
            "20 knobs draw both signs and several dimensions");
        double[] point = [0.1, 0.35, 0.8, 1.0];
        var positions = adapter.Positions(point);
        for (var i = 0; i < 20; i++)
        {
            var y = 2 * point[hash[i]] - 1;
            Assert.Equal((sign[i] * y + 1) / 2, positions[i], 12);
        }
    }

    [Fact]
    public void HeSboIsDeterminedByTheSeed()
    {
        var space = Reals(30);
        double[] point = [0.1, 0.35, 0.8, 1.0];
        Assert.Equal(HeSbo(space, 7).Positions(point), HeSbo(space, 7).Positions(point));
        Assert.NotEqual(HeSbo(space, 7).Positions(point), HeSbo(space, 8).Positions(point));
    }

    [Fact]
    public void CategoricalKnobsTakeTheTruncatedChoice()
    {
        var space =
            new SearchSpace("c",
            [.. Enumerable.Range(0, 4).Select(i => Knob.Categorical($"c{i}", "a", "a", "b", "c")),
            Knob.Boolean("flag", false)]);
        var adapter = HeSbo(space, 1, d: 1);
        var (_, sign) = Drawn(space, 1, d: 1);
        // One low dimension: every knob's position is u or 1 − u; ⌊u·3⌋ gives thirds, not rounded halves.
        foreach (var (u,
            expected) in new[] { (0.0, "a"), (0.3, "a"), (0.34, "b"), (0.66, "b"), (0.67, "c"), (1.0, "c") })
        {
            var configuration = adapter.Decode([u]);
            for (var i = 0; i < 4; i++)
            {
                var position = sign[i] > 0 ? u : 1 - u;
                var choice = Math.Min((int)Math.Floor(position * 3), 2);
                Assert.Equal(new[] { "a", "b", "c" }[choice], configuration[$"c{i}"]);
                if (sign[i] > 0) Assert.Equal(expected, configuration[$"c{i}"]);
            }
        }
    }

    [Fact]
    public void AProjectionNeedsFewerDimensionsThanKnobs()
    {
        var error = Assert.Throws<BadInputException>(() => HeSbo(Reals(4), 1, d: 4));
        Assert.Equal(AdapterSettings.DimensionsSetting, error.Setting);
        Assert.Contains("fewer low dimensions (4) than knobs (4", error.Message);
        Assert.Equal(AdapterSettings.DimensionsSetting,
            Assert.Throws<BadInputException>(() => new SpaceAdapter(Reals(3), [new RemboProjection(3)],
                Seeds(1))).Setting);
    }

    [Fact]
    public void RemboIsALinearMapClippedToTheUnitBox()
    {
        var space = Reals(12);
        var adapter = new SpaceAdapter(space, [new RemboProjection(3)], Seeds(5));
        Assert.All(adapter.Positions([0.5, 0.5, 0.5]), u => Assert.Equal(0.5, u, 12));
        // Small steps from the centre stay inside the box, where the map is linear: f(a + b) − c = (f(a) − c) + (f(b) −
        // c).
        double[] a = [0.52, 0.5, 0.49], b = [0.5, 0.51, 0.53], sum = [0.52, 0.51, 0.52];
        var (fa, fb, fs) = (adapter.Positions(a), adapter.Positions(b), adapter.Positions(sum));
        for (var i = 0; i < 12; i++) Assert.Equal(fs[i] - 0.5, fa[i] - 0.5 + (fb[i] - 0.5), 12);
        Assert.All(adapter.Positions([0, 1, 0]), u => Assert.InRange(u, 0, 1));
        var again = new SpaceAdapter(space, [new RemboProjection(3)], Seeds(5));
        Assert.Equal(adapter.Positions(a), again.Positions(a));
    }

    [Fact]
    public void UnderAProjectionTheDefaultCannotBeEncoded()
    {
        Assert.Null(HeSbo(Reals(10), 1).Encode(Reals(10).DefaultConfiguration()));
    }

    [Fact]
    public void TheIdentityAdapterRoundTripsTheDefault()
    {
        var space = Frugal.Tuning.Targets.Synthetic.SyntheticFunction.Parse("sparse-20").Space;
        foreach (var method in new[] { "random", "special-random", "bucket-random" })
        {
            var adapter = TuningMethod.Parse(method, buckets: 1000).CreateAdapter(space, new SeedTree(1));
            var point = adapter.Encode(space.DefaultConfiguration())!;
            var decoded = adapter.Decode(point);
            foreach (var knob in space.Knobs)
                if (method != "bucket-random" || knob.Type != KnobType.Integer) Assert.Equal(knob.Default,
                    decoded[knob.Name]);
        }
    }
}
