using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Traces;
using static Frugal.Cli.Tests.CliRunner;

namespace Frugal.Cli.Tests;

public sealed class ProvisionCommandTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-provision-tests-" + Guid.NewGuid().ToString("N"));

    public ProvisionCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A generated 30-day trace in the Mirage log format, with an optional malformed row and any extra
    /// rows.</summary>
    private string Trace(bool withBadRow = false, params string[] extraRows)
    {
        var jobs = SyntheticTrace.Generate(new SyntheticTraceOptions { Days = 30 }, new SeedTree(11).Child("trace"));
        static string T(long s) =>
            DateTimeOffset.FromUnixTimeSeconds(s)
            .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            jobs.Count.ToString(CultureInfo.InvariantCulture),
            "JobID JobName UID Start Submit End Priority TimelimitR ExitCode NNodes",
            "----- ------- --- ----- ------ --- -------- ---------- -------- ------",
        };
        lines.AddRange(
            jobs.Select(j => string.Join('\t', j.Id, "job", "00001", T(j.Start), T(j.Submit), T(j.End), "1000",
            (j.LimitSeconds / 60).ToString(CultureInfo.InvariantCulture), "0:0",
                j.Nodes.ToString(CultureInfo.InvariantCulture))));
        if (withBadRow) lines.Insert(10,
            "999\tjob\t00001\t2023-01-01T00:00:00\t2023-01-01T00:00:00\t2023-01-01T01:00:00\t1000\tsixty\t0:0\t1");
        lines.AddRange(extraRows);
        var path = Path.Combine(_root, "trace.log");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static readonly string[] Small = ["--stride-hours", "24", "--max-samples", "3"];

    [Fact]
    public void EvaluateWritesTheHeadlineMetricsAsJson()
    {
        var json = Path.Combine(_root, "reactive.json");
        var (code, output, errors) =
            Run(["provision", "evaluate", "--trace", Trace(), "--method", "reactive", .. Small, "--json", json]);
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
        var (code, _, errors) =
            Run(["provision", "train", "--trace", trace, "--method", "gbt", "--model", model, "--probes", "4",
            "--trees", "5", .. Small]);
        Assert.True(code == 0, errors);
        Assert.True(File.Exists(model));

        (code, var output, errors) =
            Run(["provision", "evaluate", "--trace", trace, "--method", "gbt", "--model", model, .. Small, "--json"]);
        Assert.True(code == 0, errors);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("gbt", root.GetProperty("method").GetString());
        Assert.Equal(root.GetProperty("chains").GetInt32(), root.GetProperty("gapHours").GetArrayLength());

        (code, _, errors) =
            Run(["provision", "evaluate", "--trace", trace, "--method", "forest", "--model", model, .. Small]);
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
        AssertOneLineError(errors,
            $"{trace}:11: field 'TimelimitR': 'sixty' is not a whole number; --skip-bad skips such lines");

        (code, var output, errors) = Run("provision", "simulate", "--trace", trace, "--skip-bad", "--json");
        Assert.True(code == 0, errors);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("skippedBadLines").GetInt32());
    }

    [Fact]
    public void UnknownMethodsAndMissingFilesAreUsageErrors()
    {
        var (code, _, errors) = Run("provision", "evaluate", "--trace", Trace(), "--method", "oracle");
        Assert.Equal(2, code);
        AssertOneLineError(errors,
            "--method: unknown method 'oracle'; known: reactive, dependency, avg-wait, forest, gbt, pg");

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

    /// <summary>A row of the Mirage log, submitted at <paramref name="submit"/>, that ran an hour on
    /// 2023-01-02.</summary>
    private static string Row(string id, string submit) =>
        $"{id}\tjob\t00001\t2023-01-02T00:00:00\t{submit}\t2023-01-02T01:00:00\t1000\t60\t0:0\t1";

    [Fact]
    public void ARowFromYearOneIsRefusedNamingTheLimitInsteadOfPlanningHundredsOfThousandsOfChains()
    {
        var trace = Trace(extraRows: Row("early", "0001-01-01T00:00:00"));
        var (code, _, errors) = Run("provision", "evaluate", "--trace", trace, "--skip-bad", "--method", "reactive");
        Assert.Equal(2, code);
        AssertOneLineError(errors, "(job early on 0001-01-01 to job g");
        Assert.Contains("more than the 30-year limit on a trace", errors);
    }

    [Fact]
    public void ASampleCountBeyondTheLimitIsRefusedNamingTheOptionThatCapsIt()
    {
        // A row a year early stretches the training period to some 300 days: at a 6-minute stride, 70,000 samples.
        var trace = Trace(extraRows: Row("early", "2022-01-01T00:00:00"));
        string[] evaluate = ["provision", "evaluate", "--trace", trace, "--method", "reactive",
            "--stride-hours", "0.1"];
        var (code, _, errors) = Run(evaluate);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "more than the 20,000 a study runs; cap them with --max-samples");

        (code, _, errors) = Run([.. evaluate, "--max-samples", "2", "--json"]);
        Assert.True(code == 0, errors);
    }

    [Theory]
    [InlineData("evaluate", "--chain-hours", "1e12")]
    [InlineData("evaluate", "--chain-hours", "NaN")]
    [InlineData("evaluate", "--stride-hours", "Infinity")]
    [InlineData("evaluate", "--stride-hours", "0")]
    [InlineData("evaluate", "--load", "NaN")]
    [InlineData("evaluate", "--load", "Infinity")]
    [InlineData("evaluate", "--load", "1e6")]
    [InlineData("evaluate", "--probes", "1000000000")]
    [InlineData("evaluate", "--trees", "0")]
    [InlineData("evaluate", "--max-samples", "")]
    [InlineData("evaluate", "--max-samples", "0")]
    [InlineData("train", "--pg-updates", "2000000000")]
    [InlineData("train", "--pg-episodes", "-1")]
    [InlineData("evaluate", "--pools", "gpu=x")]
    [InlineData("evaluate", "--format", "csv")]
    public void AnOutOfRangeOptionIsOneLineNamingIt(string command, string option, string value)
    {
        string[] extra = command == "train" ? ["--model", Path.Combine(_root, "m.zip")] : ["--method", "reactive"];
        var (code, _, errors) = Run(["provision", command, "--trace", Trace(), .. extra, option, value]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, option + ": ");
    }

    [Theory]
    [InlineData("--interval", "Infinity")]
    [InlineData("--interval", "NaN")]
    [InlineData("--lead", "-1")]
    [InlineData("--lead", "1e300")]
    [InlineData("--job", "abc")]
    public void AWatchOptionOutOfRangeIsOneLineNamingIt(string option, string value)
    {
        string[] args = ["provision", "watch", "--job", "17", "--wrap", "run.sh"];
        var (code, _, errors) = Run([.. args, option, value]);
        Assert.Equal(2, code);
        AssertOneLineError(errors, option + ": ");
    }

    [Fact]
    public void TheChainMustFitThePoolsAndEveryJobItsPool()
    {
        var (code, _, errors) =
            Run("provision", "evaluate", "--trace", Trace(), "--method", "reactive", "--chain-nodes", "100");
        Assert.Equal(2, code);
        AssertOneLineError(errors, "--pools: the chain asks for 100 nodes; its pool 'default' has 88");

        (code, _, errors) = Run("provision", "simulate", "--trace", Trace(), "--pools", "gpu=84");
        Assert.Equal(2, code);
        AssertOneLineError(errors,
            "--pools: trace job g1 runs in partition 'default', which has no node pool (pools: gpu=84)");
    }

    [Fact]
    public void TracesThatAreNotRegularFilesAreRefusedAtOnce()
    {
        var (code, _, errors) = Run("provision", "simulate", "--trace", "/dev/zero");
        Assert.Equal(2, code);
        AssertOneLineError(errors, "trace '/dev/zero': is a character device, not a regular file");

        var fifo = Path.Combine(_root, "fifo");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        (code, _, errors) = Run("provision", "simulate", "--trace", fifo);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "is a named pipe (FIFO), not a regular file");
    }

    [Fact]
    public void ADamagedModelFileIsCorruptDataNamingTheFile()
    {
        var trace = Trace();
        var model = Path.Combine(_root, "gbt.zip");
        var (code, _, errors) = Run(["provision", "train", "--trace", trace, "--method", "gbt", "--model", model,
            "--probes", "4", "--trees", "2", .. Small]);
        Assert.True(code == 0, errors);
        // Flip one byte inside the first entry's compressed data: the archive opens, the entry fails its checksum.
        var bytes = File.ReadAllBytes(model);
        bytes[64] ^= 0xFF;
        File.WriteAllBytes(model, bytes);
        (code, _, errors) =
            Run(["provision", "evaluate", "--trace", trace, "--method", "gbt", "--model", model, .. Small]);
        Assert.Equal(3, code);
        Assert.StartsWith($"frugal: corrupt data: model file '{model}' is damaged", errors);

        var nowhere = Path.Combine(_root, "no-such-folder", "m.zip");
        (code, _, errors) = Run("provision", "train", "--trace", trace, "--model", nowhere);
        Assert.Equal(2, code);
        AssertOneLineError(errors, "--model: the folder");
    }
}

/// <summary>Tests that change the process's PATH run alone, after every other test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PathCollection
{
    public const string Name = "PATH";
}

[Collection(PathCollection.Name)]
public sealed class ProvisionWatchTests
{
    [Fact]
    public void WatchWithoutSlurmSaysSoInOneLine()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var empty = Directory.CreateTempSubdirectory("frugal-no-slurm-").FullName;
        Environment.SetEnvironmentVariable("PATH", empty);
        try
        {
            var (code, _, errors) = Run("provision", "watch", "--job", "17", "--wrap", "run.sh");
            Assert.Equal(1, code);
            AssertOneLineError(errors, "squeue not found: is Slurm installed?");
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Directory.Delete(empty);
        }
    }
}
