using System.Globalization;
using System.Text.Json;
using Frugal.Tuning.Targets.Postgres;
using Xunit.Abstractions;

namespace Frugal.Tuning.Tests.Postgres;

/// <summary>The shipped postgres-15 knob space against a real PostgreSQL: every knob exists, fits and starts.</summary>
public sealed class PostgresSpaceTests(ITestOutputHelper output)
{
    private sealed record Knob(string Name, string Type, JsonElement Json)
    {
        public double Min => Json.GetProperty("min").GetDouble();
        public double Max => Json.GetProperty("max").GetDouble();
        public bool Restart => Json.TryGetProperty("restart", out var r) && r.GetBoolean();
        public IEnumerable<double> Specials =>
            Json.TryGetProperty("special", out var s)
            ? s.EnumerateArray().Select(v => v.GetProperty("value").GetDouble()) : [];
    }

    private static List<Knob> ReadSpace()
    {
        using var stream =
            typeof(PostgresTarget).Assembly.GetManifestResourceStream("Frugal.Tuning.Spaces.postgres-15.json")
            ?? throw new InvalidOperationException("the postgres-15 space is not embedded");
        var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("knobs").EnumerateArray()
            .Select(k => new Knob(k.GetProperty("name").GetString()!, k.GetProperty("type").GetString()!, k.Clone()))
                .ToList();
    }

    [Fact]
    public void TheSpaceLeavesOutDurabilityKnobsAndHasUniqueNames()
    {
        var knobs = ReadSpace();
        Assert.Equal(knobs.Count, knobs.Select(k => k.Name).Distinct().Count());
        foreach (var unsafeKnob in (string[])["fsync", "full_page_writes", "data_sync_retry"]) Assert.DoesNotContain(
            knobs, k => k.Name == unsafeKnob);
    }

    [SkippableFact]
    public void EveryKnobExistsInPgSettingsWithItsTypeDefaultRestartContextAndARangeInsideTheServersOwn()
    {
        var installation = PostgresTestEnvironment.RequireInstallation(output);
        using var cluster =
            PostgresCluster.Create(installation, null, TimeSpan.FromSeconds(60), CancellationToken.None);
        var settings =
            cluster.Sql(
            "SELECT name, vartype, coalesce(min_val, ''), coalesce(max_val, ''), coalesce(array_to_string(enumvals, " +
            "','), ''), boot_val, context FROM pg_settings;", CancellationToken.None)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToDictionary(f => f[0]);
        foreach (var knob in ReadSpace())
        {
            Assert.True(settings.TryGetValue(knob.Name, out var s), $"{knob.Name} is not a PostgreSQL setting");
            var (vartype, min, max, enumvals, boot, context) = (s[1], s[2], s[3], s[4], s[5], s[6]);
            Assert.True((context == "postmaster") == knob.Restart,
                $"{knob.Name}: restart hint disagrees with context {context}");
            var expectedType = vartype switch
            {
                "integer" => "integer",
                "real" => "real",
                "enum" => "categorical",
                "bool" => "boolean",
                _ => vartype,
            };
            Assert.True(expectedType == knob.Type, $"{knob.Name}: {knob.Type} in the space, {vartype} in PostgreSQL");
            var @default = knob.Json.GetProperty("default");
            switch (knob.Type)
            {
                case "integer" or "real":
                    var (serverMin, serverMax) = (Number(min), Number(max));
                    foreach (var value in knob.Specials.Append(knob.Min).Append(knob.Max))
                        Assert.True(value >= serverMin && value <= serverMax,
                            $"{knob.Name}: {value} lies outside the server's [{min}, {max}]");
                    Assert.Equal(Number(boot), @default.GetDouble());
                    break;
                case "categorical":
                    var allowed = enumvals.Split(',');
                    foreach (var value in knob.Json.GetProperty("values").EnumerateArray())
                        Assert.True(allowed.Contains(value.GetString()),
                            $"{knob.Name}: {value} is not one of {enumvals}");
                    Assert.Equal(boot, @default.GetString());
                    break;
                default:
                    Assert.Equal(boot == "on", @default.GetBoolean());
                    break;
            }
        }
    }

    [SkippableFact]
    public void TheServerStartsWithEveryKnobAtItsMaximumAndAtItsMinimum()
    {
        var installation = PostgresTestEnvironment.RequireInstallation(output);
        var knobs = ReadSpace().Where(k => k.Type is "integer" or "real").ToList();
        using var cluster =
            PostgresCluster.Create(installation, null, TimeSpan.FromSeconds(120), CancellationToken.None);
        foreach (var (extreme, pick) in new (string, Func<Knob,
            double>)[] { ("maximum", k => k.Max), ("minimum", k => k.Min) })
        {
            var configuration =
                knobs.ToDictionary(k => k.Name, k => pick(k).ToString("R", CultureInfo.InvariantCulture));
            Assert.True(cluster.Apply(configuration, CancellationToken.None),
                $"the {extreme} configuration did not restart the server");
            Assert.True(cluster.IsRunning, $"the server is not running with every knob at its {extreme}");
            var sharedBuffers = cluster.Show("shared_buffers", CancellationToken.None);
            output.WriteLine($"{extreme}: running, shared_buffers = {sharedBuffers}");
            Assert.Equal(extreme == "maximum" ? "2GB" : "128kB", sharedBuffers);
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
