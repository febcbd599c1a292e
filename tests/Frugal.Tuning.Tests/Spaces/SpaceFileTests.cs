using Frugal.Core.Errors;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Tests.Spaces;

public sealed class SpaceFileTests
{
    private const string Valid = """
        {
          "name": "demo", "description": "every kind of knob",
          "knobs": [
            { "name": "buffers", "type": "integer", "min": 16, "max": 262144, "default": 16384, "unit": "8kB", "restart": true,
              "special": [ { "value": 0, "probability": 0.2 }, { "value": -1 } ] },
            { "name": "cost", "type": "real", "min": 0.1, "max": 10.0, "default": 4.0, "scale": "linear" },
            { "name": "work_mem", "type": "integer", "min": 64, "max": 262144, "default": 4096, "unit": "kB", "scale": "log" },
            { "name": "sync", "type": "categorical", "values": ["fsync", "fdatasync", "open_sync"], "default": "fdatasync" },
            { "name": "seqscan", "type": "boolean", "default": true }
          ]
        }
        """;

    [Fact]
    public void ParsesEveryKindOfKnobWithTypedDefaults()
    {
        var space = SpaceFile.Parse(Valid, "demo.json");
        Assert.Equal("demo", space.Name);
        Assert.Equal(["buffers", "cost", "work_mem", "sync", "seqscan"], space.Knobs.Select(k => k.Name));
        Assert.Equal(16384L, space["buffers"].Default);
        Assert.Equal(4.0, space["cost"].Default);
        Assert.True(space["work_mem"].LogScale);
        Assert.Equal("fdatasync", space["sync"].Default);
        Assert.Equal(true, space["seqscan"].Default);
        Assert.True(space["buffers"].Restart);
        Assert.Equal([new SpecialValue(0, 0.2), new SpecialValue(-1, null)], space["buffers"].Special);
    }

    [Fact]
    public void TheFingerprintFollowsTheContentNotTheName()
    {
        var a = SpaceFile.Parse(Valid, "a.json");
        var b = SpaceFile.Parse(Valid.Replace("\"default\": 4.0", "\"default\": 5.0"), "b.json");
        Assert.Equal(a.Fingerprint(), SpaceFile.Parse(Valid, "c.json").Fingerprint());
        Assert.NotEqual(a.Fingerprint(), b.Fingerprint());
    }

    [Theory]
    [InlineData("\"type\": \"real\", \"min\": 0.1", "\"type\": \"float\", \"min\": 0.1", "cost", "type",
        "unknown type 'float'")]
    [InlineData("\"default\": 4.0", "\"default\": 40.0", "cost", "default", "outside [0.1, 10]")]
    [InlineData("\"name\": \"cost\"", "\"name\": \"buffers\"", "buffers", "name", "duplicate knob name")]
    [InlineData("\"scale\": \"linear\"", "\"scael\": \"linear\"", "cost", "scael", "unknown field")]
    [InlineData("\"min\": 64", "\"min\": 0", "work_mem", "scale", "log scale needs min > 0")]
    [InlineData("\"default\": \"fdatasync\"", "\"default\": \"osync\"", "sync", "default", "not one of the values")]
    [InlineData("\"probability\": 0.2", "\"probability\": 1.2", "buffers", "special.probability", "(0, 1)")]
    [InlineData("\"default\": 16384", "\"default\": 16384.5", "buffers", "default", "not a whole number")]
    [InlineData("\"values\": [\"fsync\", \"fdatasync\", \"open_sync\"]", "\"values\": [\"fsync\", \"fsync\"]", "sync",
        "values", "listed twice")]
    [InlineData("\"default\": true }", "\"default\": \"yes\" }", "seqscan", "default", "true or false")]
    [InlineData("\"min\": 0.1, \"max\": 10.0", "\"min\": 0.1", "cost", "max", "required")]
    public void AnErrorNamesTheFileTheKnobAndTheField(string find, string replace, string knob, string field,
        string problem)
    {
        Assert.Contains(find, Valid);
        var error =
            Assert.Throws<SpaceFormatException>(() => SpaceFile.Parse(Valid.Replace(find, replace), "bad.json"));
        Assert.StartsWith("bad.json: ", error.Message);
        Assert.Contains($"knob '{knob}'", error.Message);
        Assert.Contains($"field '{field}'", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Equal((knob, field), (error.Knob, error.Field));
    }

    [Fact]
    public void SpecialProbabilitiesMustSumBelowOne()
    {
        var error =
            Assert.Throws<SpaceFormatException>(() =>
            SpaceFile.Parse(Valid.Replace("{ \"value\": -1 }", "{ \"value\": -1, \"probability\": 0.8 }"), "p.json"));
        Assert.Contains("knob 'buffers': field 'special.probability': the probabilities must sum to less than 1",
            error.Message);
    }

    [Fact]
    public void ADefaultMayBeASpecialValueOutsideTheRange()
    {
        var space = SpaceFile.Parse(Valid.Replace("\"default\": 16384", "\"default\": -1"), "s.json");
        Assert.Equal(-1L, space["buffers"].Default);
    }

    [Fact]
    public void TopLevelErrorsNameTheFile()
    {
        Assert.StartsWith("x.json: not valid JSON",
            Assert.Throws<SpaceFormatException>(() => SpaceFile.Parse("{ nope", "x.json")).Message);
        Assert.Contains("x.json: field 'knobs'", Assert.Throws<SpaceFormatException>(() =>
            SpaceFile.Parse("""{ "name": "e", "knobs": [] }""", "x.json")).Message);
        Assert.Contains("x.json: field 'extra': unknown field",
            Assert.Throws<SpaceFormatException>(() =>
            SpaceFile.Parse(Valid.Replace("\"name\": \"demo\"", "\"name\": \"demo\", \"extra\": 1"), "x.json"))
            .Message);
        Assert.Contains("missing.json", Assert.Throws<BadInputException>(() => SpaceFile.Load("missing.json")).Message);
    }

    [Fact]
    public void TheKvTargetsEmbeddedSpaceIsValid()
    {
        var space = Frugal.Tuning.Targets.Kv.KvTarget.Space();
        Assert.Equal("kv", space.Name);
        Assert.Contains(space.Knobs, k => k.Name == "read_cache_fraction" && k.Special.Count == 1);
    }

    [Fact]
    public void HostBoundKnobsFollowTheMachinesMemoryAndCores()
    {
        const string json = """
            { "name": "h", "knobs": [
              { "name": "buffers", "type": "integer", "min": 16, "max": 262144, "default": 16384, "unit": "8kB",
                "hostMax": { "memory": 0.25, "unitBytes": 8192 } },
              { "name": "workers", "type": "integer", "min": 0, "max": 16, "default": 2, "hostMax": { "cores": 2 } } ] }
            """;
        var small = SpaceFile.Parse(json, "h.json", new HostResources(4L << 30, 2));
        Assert.Equal(131072, small["buffers"].Max);
        Assert.Equal(4, small["workers"].Max);
        var big = SpaceFile.Parse(json, "h.json", new HostResources(64L << 30, 32));
        Assert.Equal(2097152, big["buffers"].Max);
        Assert.Equal(64, big["workers"].Max);
        Assert.NotEqual(small.Fingerprint(), big.Fingerprint());
        // Never below the default: a tiny host keeps the default reachable.
        Assert.Equal(16384, SpaceFile.Parse(json, "h.json", new HostResources(1L << 20, 1))["buffers"].Max);
        var again = SpaceFile.Parse(SpaceFile.ToJson(small), "again.json", new HostResources(4L << 30, 2));
        Assert.Equal(small.Fingerprint(), again.Fingerprint());
        Assert.Contains("field 'hostMax'", Assert.Throws<SpaceFormatException>(() =>
            SpaceFile.Parse(json.Replace("\"cores\": 2", "\"cores\": 2, \"memory\": 0.5"), "h.json")).Message);
    }
}
