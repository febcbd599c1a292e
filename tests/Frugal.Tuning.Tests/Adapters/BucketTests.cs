using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Tests.Adapters;

public sealed class BucketTests
{
    [Fact]
    public void ABucketisedLowDimensionHasExactlyKLevels()
    {
        var space =
            new SearchSpace("s", Enumerable.Range(0, 10).Select(i => Knob.Integer($"i{i}", 0, 1_000_000, 5)).ToArray());
        var adapter = new SpaceAdapter(space, [new HeSboProjection(3), new Bucketisation(100)], new SeedTree(2));
        Assert.All(adapter.Dimensions, d => Assert.Equal(100, d.Levels));
        var knob = $"i{HeSboProjection.Draw(10, 3, new SeedTree(2)).Hash.ToList().IndexOf(0)}";
        Assert.NotEqual("i-1", knob);
        var values =
            Enumerable.Range(0, 100)
            .Select(level => adapter.Decode([Box.LevelCoordinate(adapter.Dimensions[0], level), 0.5, 0.5])[knob])
            .ToHashSet();
        Assert.Equal(100, values.Count);
        // Off the grid, points snap to it: a bucketised dimension never yields more than K values.
        var random = new SeedTree(3).Stream("u");
        var seen =
            Enumerable.Range(0, 5000)
            .Select(_ => adapter.Decode([random.NextDouble(), random.NextDouble(), random.NextDouble()])[knob])
            .ToHashSet();
        Assert.Equal(100, seen.Count);
    }

    [Fact]
    public void WithoutAProjectionWideIntegerKnobsGetKDistinctValues()
    {
        var space =
            new SearchSpace("s",
            [Knob.Integer("wide", 0, 999, 10), Knob.Integer("narrow", 0, 20, 3), Knob.Real("real", 0, 1, 0.5)]);
        var adapter = new SpaceAdapter(space, [new Bucketisation(50)], new SeedTree(2));
        Assert.Equal([50, 21, 0], adapter.Dimensions.Select(d => d.Levels));
        var values =
            Enumerable.Range(0, 50)
            .Select(level => (long)adapter.Decode([Box.LevelCoordinate(adapter.Dimensions[0], level), 0, 0])["wide"])
            .ToArray();
        Assert.Equal(50, values.Distinct().Count());
        Assert.Equal((0L, 999L), (values.Min(), values.Max()));
        var narrow =
            Enumerable.Range(0, 21)
            .Select(level => (long)adapter.Decode([0, Box.LevelCoordinate(adapter.Dimensions[1], level), 0])["narrow"])
            .ToArray();
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), narrow);
    }

    [Fact]
    public void BucketsCapIntegerAndBiasedKnobsButLeavePlainRealsAndChoicesAlone()
    {
        var space = new SearchSpace("s",
        [
            Knob.Integer("log", 1, 1_000_000, 10, log: true), Knob.Real("plain", 0, 1, 0.5),
            Knob.Real("real", 0, 1, 0.5, special: new SpecialValue(-1, null)), Knob.Integer("int", 0, 20, 3,
                special: new SpecialValue(-1, null)),
            Knob.Boolean("b", true),
        ]);
        int[] Levels(string method) =>
            [.. TuningMethod.Parse(method, buckets: 50).CreateAdapter(space,
                new SeedTree(1)).Dimensions.Select(d => d.Levels)];
        Assert.Equal([0, 0, 0, 21, 2], Levels("random"));
        Assert.Equal([0, 0, 0, 0, 2], Levels("special-random"));
        Assert.Equal([50, 0, 0, 21, 2], Levels("bucket-random"));
        Assert.Equal([50, 0, 50, 50, 2], Levels("special-bucket-random"));
        Assert.Equal(Levels("special-bucket-random"), Levels("bucket-special-random"));
    }

    [Fact]
    public void WithoutBucketsEveryIntegerValueIsALevel()
    {
        var space =
            new SearchSpace("s",
            [Knob.Integer("wide", 0, 999, 10), Knob.Categorical("c", "x", "x", "y"), Knob.Boolean("b", true)]);
        var adapter = new SpaceAdapter(space, [], new SeedTree(2));
        Assert.Equal([1000, 2, 2], adapter.Dimensions.Select(d => d.Levels));
    }
}
