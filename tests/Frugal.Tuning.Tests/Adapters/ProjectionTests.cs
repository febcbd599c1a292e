using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Tests.Adapters;

public sealed class ProjectionTests
{
    private static SearchSpace Reals(int count) =>
        new("reals", Enumerable.Range(0, count).Select(i => Knob.Real($"r{i}", 0, 1, 0.5)).ToArray());

    private static SpaceAdapter HeSbo(SearchSpace space, ulong seed, int d = 4, int? buckets = null) =>
        new(space, new AdapterSettings(Projection.HeSbo, d, Buckets: buckets), new SeedTree(seed).Child("adapter"));

    [Fact]
    public void HeSboCopiesOneLowDimensionPerKnobWithASign()
    {
        var adapter = HeSbo(Reals(20), seed: 3);
        Assert.Equal(4, adapter.Dimensions.Count);
        Assert.All(adapter.Dimensions, d => Assert.True(d.IsContinuous));
        Assert.All(adapter.Hash, h => Assert.InRange(h, 0, 3));
        Assert.All(adapter.Sign, s => Assert.True(s is 1 or -1));
        Assert.True(adapter.Sign.Distinct().Count() == 2 && adapter.Hash.Distinct().Count() > 1, "20 knobs draw both signs and several dimensions");
        double[] point = [0.1, 0.35, 0.8, 1.0];
        var positions = adapter.Positions(point);
        for (var i = 0; i < 20; i++)
        {
            var y = 2 * point[adapter.Hash[i]] - 1;
            Assert.Equal((adapter.Sign[i] * y + 1) / 2, positions[i], 12);
        }
    }

    [Fact]
    public void HeSboIsDeterminedByTheSeed()
    {
        var space = Reals(30);
        Assert.Equal(HeSbo(space, 7).Hash, HeSbo(space, 7).Hash);
        Assert.Equal(HeSbo(space, 7).Sign, HeSbo(space, 7).Sign);
        Assert.NotEqual(HeSbo(space, 7).Hash.Concat(HeSbo(space, 7).Sign.Select(s => (int)s)), HeSbo(space, 8).Hash.Concat(HeSbo(space, 8).Sign.Select(s => (int)s)));
    }

    [Fact]
    public void CategoricalKnobsTakeTheTruncatedChoice()
    {
        var space = new SearchSpace("c", [.. Enumerable.Range(0, 4).Select(i => Knob.Categorical($"c{i}", "a", "a", "b", "c")), Knob.Boolean("flag", false)]);
        var adapter = HeSbo(space, 1, d: 1);
        // One low dimension: every knob's position is u or 1 − u; ⌊u·3⌋ gives thirds, not rounded halves.
        foreach (var (u, expected) in new[] { (0.0, "a"), (0.3, "a"), (0.34, "b"), (0.66, "b"), (0.67, "c"), (1.0, "c") })
        {
            var configuration = adapter.Decode([u]);
            for (var i = 0; i < 4; i++)
            {
                var position = adapter.Sign[i] > 0 ? u : 1 - u;
                var choice = Math.Min((int)Math.Floor(position * 3), 2);
                Assert.Equal(new[] { "a", "b", "c" }[choice], configuration[$"c{i}"]);
                if (adapter.Sign[i] > 0) Assert.Equal(expected, configuration[$"c{i}"]);
            }
        }
    }

    [Fact]
    public void AProjectionNeedsFewerDimensionsThanKnobs()
    {
        var error = Assert.Throws<ArgumentException>(() => HeSbo(Reals(4), 1, d: 4));
        Assert.Contains("--dims", error.Message);
    }

    [Fact]
    public void RemboIsALinearMapClippedToTheUnitBox()
    {
        var space = Reals(12);
        var adapter = new SpaceAdapter(space, new AdapterSettings(Projection.Rembo, 3), new SeedTree(5).Child("adapter"));
        Assert.All(adapter.Positions([0.5, 0.5, 0.5]), u => Assert.Equal(0.5, u, 12));
        // Small steps from the centre stay inside the box, where the map is linear: f(a + b) − c = (f(a) − c) + (f(b) − c).
        double[] a = [0.52, 0.5, 0.49], b = [0.5, 0.51, 0.53], sum = [0.52, 0.51, 0.52];
        var (fa, fb, fs) = (adapter.Positions(a), adapter.Positions(b), adapter.Positions(sum));
        for (var i = 0; i < 12; i++) Assert.Equal(fs[i] - 0.5, fa[i] - 0.5 + (fb[i] - 0.5), 12);
        Assert.All(adapter.Positions([0, 1, 0]), u => Assert.InRange(u, 0, 1));
        var again = new SpaceAdapter(space, new AdapterSettings(Projection.Rembo, 3), new SeedTree(5).Child("adapter"));
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
        foreach (var settings in new[] { AdapterSettings.Identity, new AdapterSettings(SpecialBias: true), new AdapterSettings(Buckets: 1000) })
        {
            var adapter = new SpaceAdapter(space, settings, new SeedTree(1));
            var point = adapter.Encode(space.DefaultConfiguration())!;
            var decoded = adapter.Decode(point);
            foreach (var knob in space.Knobs)
                if (settings.Buckets is null || knob.Type != KnobType.Integer) Assert.Equal(knob.Default, decoded[knob.Name]);
        }
    }
}
