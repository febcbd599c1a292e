using System.Globalization;
using System.Text.Json;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Traces;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class ProvisionCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "frugal-provision-tests-" + Guid.NewGuid().ToString("N"));

    public ProvisionCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A generated 30-day trace in the Mirage log format, with an optional malformed row.</summary>
    private string Trace(bool withBadRow = false)
    {
        var jobs = SyntheticTrace.Generate(new SyntheticTraceOptions { Days = 30 }, new SeedTree(11).Child("trace"));
        static string T(long s) => DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            jobs.Count.ToString(CultureInfo.InvariantCulture),
            "JobID JobName UID Start Submit End Priority TimelimitR ExitCode NNodes",
            "----- ------- --- ----- ------ --- -------- ---------- -------- ------",
        };
        lines.AddRange(jobs.Select(j => string.Join('\t', j.Id, "job", "00001", T(j.Start), T(j.Submit), T(j.End), "1000",
            (j.LimitSeconds / 60).ToString(CultureInfo.InvariantCulture), "0:0", j.Nodes.ToString(CultureInfo.InvariantCulture))));
        if (withBadRow) lines.Insert(10, "999\tjob\t00001\t2023-01-01T00:00:00\t2023-01-01T00:00:00\t2023-01-01T01:00:00\t1000\tsixty\t0:0\t1");
        var path = Path.Combine(_root, "trace.log");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static readonly string[] Small = ["--stride-hours", "24", "--max-samples", "3"];

    [Fact]
    public void EvaluateWritesTheHeadlineMetricsAsJson()
    {
        var json = Path.Combine(_root, "reactive.json");
        var (code, output, errors) = Run(["provision", "evaluate", "--trace", Trace(), "--method", "reactive", .. Small, "--json", json]);
        Assert.True(code == 0, errors);
        Assert.Contains("mean interruption", output);
        var root = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal("reactive", root.GetProperty("method").GetString());
        var chains = root.GetProperty("chains").GetInt32();
        Assert.True(chains >= 1);
        Assert.Equal(chains, root.GetProperty("gapHours").GetArrayLength());
        var zero = root.GetProperty("zeroInterruptionFraction").GetDouble();
        Assert.InRange(zero, 0, 1);
        Assert.True(root.GetProperty("meanInterruptionHours").GetDouble() >= 0);
        Assert.True(root.GetProperty("overlapNodeHours").GetDouble() >= 0);
    }

    [Fact]
    public void ALearnedMethodTrainsToAFileAndEvaluatesFromIt()
    {
        var trace = Trace();
        var model = Path.Combine(_root, "gbt.zip");
        var (code, _, errors) = Run(["provision", "train", "--trace", trace, "--method", "gbt", "--model", model, "--probes", "4", "--trees", "5", .. Small]);
        Assert.True(code == 0, errors);
        Assert.True(File.Exists(model));

        (code, var output, errors) = Run(["provision", "evaluate", "--trace", trace, "--method", "gbt", "--model", model, .. Small, "--json"]);
        Assert.True(code == 0, errors);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("gbt", root.GetProperty("method").GetString());
        Assert.Equal(root.GetProperty("chains").GetInt32(), root.GetProperty("gapHours").GetArrayLength());

        (code, _, errors) = Run(["provision", "evaluate", "--trace", trace, "--method", "forest", "--model", model, .. Small]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "method 'forest' was given a 'gbt' model");
    }

    [Fact]
    public void SimulateComparesRealAndSimulatedWaits()
    {
        var (code, output, errors) = Run("provision", "simulate", "--trace", Trace(), "--json");
        Assert.True(code == 0, errors);
        var root = JsonDocument.Parse(output).RootElement;
        var all = root.GetProperty("groups")[0];
        Assert.Equal("all", all.GetProperty("group").GetString());
        Assert.InRange(all.GetProperty("ksDistance").GetDouble(), 0, 1);
    }

    [Fact]
    public void AMalformedTraceLineIsAOneLineErrorUnlessSkipped()
    {
        var trace = Trace(withBadRow: true);
        var (code, _, errors) = Run("provision", "simulate", "--trace", trace);
        Assert.Equal(2, code);
        AssertOneLineError(errors, $"{trace}:11: field 'TimelimitR': 'sixty' is not a whole number; --skip-bad skips such lines");

        (code, var output, errors) = Run("provision", "simulate", "--trace", trace, "--skip-bad", "--json");
        Assert.True(code == 0, errors);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("skippedBadLines").GetInt32());
    }

    [Fact]
    public void UnknownMethodsAndMissingFilesAreUsageErrors()
    {
        var (code, _, errors) = Run("provision", "evaluate", "--trace", Trace(), "--method", "oracle");
        Assert.Equal(2, code);
        AssertOneLineError(errors, "--method: unknown method 'oracle'; known: reactive, dependency, avg-wait, forest, gbt, pg");

        (code, _, errors) = Run("provision", "simulate", "--trace", Path.Combine(_root, "missing.log"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "missing.log': no such file");

        (code, _, errors) = Run("provision", "watch", "--job", "1", "--method", "gbt", "--wrap", "true");
        Assert.Equal(2, code);
        AssertOneLineError(errors, "method 'gbt' needs its trained model");

        (code, _, errors) = Run("provision", "train", "--method", "reactive", "--model", Path.Combine(_root, "m.zip"));
        Assert.Equal(2, code);
        AssertOneLineError(errors, "'reactive' is not a learned method");
    }
}
