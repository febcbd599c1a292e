using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

/// <summary>
/// Hostile and careless inputs to the trace and throughput readers and to the generator: one clear error,
/// before any work.
/// </summary>
public sealed class TraceInputTests : IDisposable
{
    private const string Good = "LM (batch size 10)\tcmd\twd\t--steps\t1\t100\t1\tgns\t1\t-1.000000\t10\t0";
    private readonly string _root = Directory.CreateTempSubdirectory("frugal-trace-input-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static List<JobSpec> Read(IEnumerable<string> lines) =>
        TraceFile.Read(new StringReader(string.Join("\n", lines) + "\n"), "t.trace");

    private static TraceFormatException Malformed(params string[] lines) =>
        Assert.Throws<TraceFormatException>(() => Read(lines));

    private static string Refusal(Func<object> read) => Assert.Throws<BadInputException>(read).Message;

    [Theory]
    [InlineData(5, "total_steps")]
    [InlineData(6, "scale_factor")]
    [InlineData(8, "priority_weight")]
    [InlineData(9, "slo")]
    [InlineData(10, "duration")]
    [InlineData(11, "arrival")]
    public void ANulByteInANumberIsNotANumber(int field, string name)
    {
        // .NET's parser ignores trailing NUL characters, so "1\0" would otherwise read as 1.
        var fields = Good.Split('\t');
        fields[field] += "\0";
        var error = Malformed(Good, string.Join('\t', fields));
        Assert.StartsWith($"t.trace:2: field '{name}': '", error.Message);
        Assert.Contains("\\0' is not a number", error.Message);
        Assert.DoesNotContain('\0', error.Message);
    }

    [Fact]
    public void ControlCharactersInAFieldAreShownEscapedAndLongFieldsAreCut()
    {
        var error = Malformed(Good.Replace("LM", "\u001b[31mLM"));
        Assert.Contains("\\u001b[31mLM", error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
        var longLine = Malformed(Good.Replace("gns", new string('x', 100_000)));
        Assert.True(longLine.Message.Length <= 501, $"{longLine.Message.Length} characters");
        Assert.EndsWith("…", longLine.Message);
    }

    [Theory]
    [InlineData("1e20", "'1e20' is not a whole number of GPUs from 1 to 100,000")]
    [InlineData("2.5", "'2.5' is not a whole number of GPUs")]
    public void AScaleFactorMustBeAWholeNumberOfGpusInRange(string gpus, string message)
    {
        var fields = Good.Split('\t');
        fields[6] = gpus;
        Assert.Contains(message, Malformed(string.Join('\t', fields)).Message);
    }

    [Fact]
    public void AJobOrATraceWithMoreEpochsThanASimulationHoldsIsRefusedByLine()
    {
        // LM at batch size 10: ⌈59675/10⌉ = 5968 steps an epoch.
        var huge = Malformed(Good.Replace("\t100\t", "\t1e12\t"));
        Assert.StartsWith("t.trace:1: field 'total_steps': 1000000000000 steps of LM (batch size 10) "
            + "are 167560322 epochs; a job may train 1 to 1,000,000.", huge.Message);
        // Eleven jobs of 999,999 epochs each: the eleventh passes the trace's 10,000,000.
        var big = Good.Replace("\t100\t", $"\t{999_999L * 5968}\t");
        var total = Malformed([.. Enumerable.Repeat(big, 11)]);
        Assert.StartsWith("t.trace:11: field 'total_steps': t.trace's jobs train more than 10,000,000 epochs in all",
            total.Message);
        Assert.Equal(10, Read(Enumerable.Repeat(big, 10)).Count);
    }

    [Fact]
    public void SpecialAndHugeFilesAreRefusedBeforeTheyAreRead()
    {
        Assert.Contains("character device", Refusal(() => TraceFile.Read("/dev/zero")));
        Assert.Contains("character device", Refusal(() => ThroughputTable.Read("/dev/zero")));
        Assert.Contains("directory", Refusal(() => TraceFile.Read(_root)));
        Assert.Contains("no such file", Refusal(() => TraceFile.Read(Path.Combine(_root, "none"))));

        var fifo = Path.Combine(_root, "fifo");
        if (OperatingSystem.IsLinux() && System.Diagnostics.Process.Start("mkfifo", fifo).WaitForExit(10_000))
            Assert.Contains("named pipe", Refusal(() => TraceFile.Read(fifo)));

        var sparse = Path.Combine(_root, "huge.trace");
        using (var file = File.Create(sparse)) file.SetLength(TraceFile.MaxFileBytes + 1);
        Assert.Contains("more than the 67,108,864-byte limit", Refusal(() => TraceFile.Read(sparse)));
        Assert.Contains("more than the 67,108,864-byte limit", Refusal(() => ThroughputTable.Read(sparse)));
    }

    [Theory]
    [InlineData("number of jobs", "the number of jobs must be from 1 to 100,000; got 0")]
    [InlineData("mean arrival gap",
        "the mean gap between arrivals must be more than 0 and at most 86,400 s; got Infinity s")]
    [InlineData("shortest duration", "the shortest duration must be more than 0 and at most 100 h; got NaN h")]
    [InlineData("longest duration", "the longest duration must be from the shortest (0.2 h) to 100 h; got Infinity h")]
    [InlineData("duration grid", "the duration grid must have from 2 to 100,000 points; got 2,000,000,000")]
    [InlineData("GPU mix", "the GPU mix must be 4 probabilities from 0 to 1 that sum to 1; got 0.5, 0.5, 0.5, 0.5")]
    [InlineData("mode mix", "the mode mix must be 3 probabilities from 0 to 1 that sum to 1; got 0.9, 0.9, 0.9")]
    [InlineData("GPU mix", "the GPU mix needs 4 probabilities (1, 2, 4 and 8 GPUs); got 2")]
    public void GeneratorSettingsOutOfRangeAreNamed(string setting, string message)
    {
        var options = setting switch
        {
            "number of jobs" => new TraceGeneratorOptions { Jobs = 0 },
            "mean arrival gap" => new TraceGeneratorOptions { MeanArrivalGapSeconds = double.PositiveInfinity },
            "shortest duration" => new TraceGeneratorOptions { MinDurationHours = double.NaN },
            "longest duration" => new TraceGeneratorOptions { MaxDurationHours = double.PositiveInfinity },
            "duration grid" => new TraceGeneratorOptions { DurationPoints = 2_000_000_000 },
            "GPU mix" when message.Contains("needs") => new TraceGeneratorOptions { ScaleFactorMix = [0.5, 0.5] },
            "GPU mix" => new TraceGeneratorOptions { ScaleFactorMix = [0.5, 0.5, 0.5, 0.5] },
            _ => new TraceGeneratorOptions { ModeMix = [0.9, 0.9, 0.9] },
        };
        var error = Assert.Throws<BadInputException>(options.Validate);
        Assert.Equal(message, error.Message);
        Assert.Equal(setting, error.Setting);
    }

    [Fact]
    public void TheGeneratorRefusesATraceThatReadingWouldRefuse()
    {
        // A throughput table that makes an hour of training a billion steps: far past the epoch limit.
        var throughputs = Fixtures.Throughputs(
            [.. ModelFamily.Templates.SelectMany(t => new[] { 1, 2, 4, 8 }.Select(g => (t.ToString(), g, 1e9)))]);
        var error = Assert.Throws<TraceFormatException>(
            () => new TraceGenerator(throughputs, new TraceGeneratorOptions { Jobs = 3 }).Generate(new SeedTree(1)));
        Assert.StartsWith("generated job 0 (", error.Message);
        Assert.Contains("a job may train 1 to 1,000,000", error.Message);
    }

    [Fact]
    public void AGeneratedTraceIsWrittenReadBackAndSummarised()
    {
        var throughputs = new Sourced<ThroughputTable>(SyntheticThroughputs.Create(), "model");
        var path = Path.Combine(_root, "sub", "t.trace");
        var summary = GeneratedTrace.Write(path, throughputs, new TraceGeneratorOptions { Jobs = 40 }, new SeedTree(3));
        var jobs = TraceFile.Read(path);
        Assert.Equal(40, summary.Jobs);
        Assert.Equal(jobs[^1].ArrivalSeconds, summary.LastArrivalSeconds);
        Assert.Equal(["1", "2", "4", "8"], summary.Gpus.Keys);
        Assert.Equal(40, summary.Gpus.Values.Sum());
        Assert.Equal(jobs.Count(j => j.ScaleFactor == 2), summary.Gpus["2"]);
        Assert.Equal(["static", "accordion", "gns"], summary.Modes.Keys);
        Assert.Equal(jobs.Count(j => j.Mode == AdaptationMode.Gns), summary.Modes["gns"]);
        Assert.Contains("\"lastArrivalSeconds\": ", summary.ToJson());
        // A path under a file cannot be written: bad input naming the path.
        var blocked = Path.Combine(path, "t.trace");
        Assert.Contains($"cannot write trace '{blocked}'",
            Refusal(() => GeneratedTrace.Write(blocked, throughputs, new() { Jobs = 2 }, new SeedTree(3))));
    }
}
