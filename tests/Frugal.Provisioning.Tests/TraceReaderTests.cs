using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Tests;

public sealed class TraceReaderTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-provisioning-traces-" + Guid.NewGuid().ToString("N"));

    public TraceReaderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_root, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private const string MirageHeader =
        "3\n       JobID    JobName    UID               Start              Submit                 End   Priority " +
            "TimelimitR ExitCode   NNodes\n" +
        "------------ ---------- ------ ------------------- ------------------- ------------------- ---------- " +
            "---------- -------- --------\n";

    [Fact]
    public void TheMirageLogMapsColumnsByNameAndCapsEndsAtTheLimit()
    {
        var path = File("t.log", MirageHeader +
            "1\ta\t00001\t2023-01-01T01:00:00\t2023-01-01T00:00:00\t2023-01-01T02:00:00\t1234\t120\t0:0\t2\n" +
            "2\tb\t00002\t2023-01-01T00:30:00\t2023-01-01T00:10:00\t2023-01-01T05:00:00\t1000\t60\t0:0\t1\n");
        var read = TraceReaders.Read(path);
        Assert.Equal(2, read.Jobs.Count);
        var first = read.Jobs[0];
        Assert.Equal(new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), first.Submit);
        Assert.Equal(3600, first.WaitSeconds);
        Assert.Equal(3600, first.RuntimeSeconds);
        Assert.Equal(2, first.Nodes);
        Assert.Equal(1234, first.LoggedPriority);
        Assert.Equal(3600, read.Jobs[1].RuntimeSeconds); // logged 4.5 h, capped at its 60-minute limit
    }

    [Fact]
    public void ABadLineNamesFileLineAndField()
    {
        var path = File("bad.log", MirageHeader +
            "1\ta\t00001\t2023-01-01T01:00:00\t2023-01-01T00:00:00\t2023-01-01T02:00:00\t1234\t120\t0:0\t2\n" +
            "2\tb\t00002\tyesterday\t2023-01-01T00:10:00\t2023-01-01T05:00:00\t1000\t60\t0:0\t1\n" +
            "3\tc\t00003\t2023-01-01T01:00:00\t2023-01-01T00:00:00\t2023-01-01T02:00:00\t1234\t120\t0:0\t2\textra\n");
        var e = Assert.Throws<MalformedTraceLineException>(() => TraceReaders.Read(path));
        Assert.Equal($"{path}:5: field 'Start': 'yesterday' is not a time of the form yyyy-MM-ddTHH:mm:ss; " +
                     "the skip-bad-lines setting skips such lines", e.Message);
        Assert.Equal(TraceReadOptions.SkipBadSetting, e.Setting);

        var skipped = TraceReaders.Read(path, options: new TraceReadOptions { SkipBad = true });
        Assert.Single(skipped.Jobs);
        Assert.Equal(2, skipped.SkippedBadLines);
    }

    [Fact]
    public void SacctOutputSkipsStepsAndCountsJobsThatNeverStarted()
    {
        var path = File("sacct.txt",
            "JobID|JobName|Partition|NNodes|State|Submit|Eligible|Start|End|Timelimit|Priority\n" +
            "10|train|gpu|2|COMPLETED|2023-01-01T00:00:00|2023-01-01T00:05:00|2023-01-01T01:00:00|" +
            "2023-01-01T02:00:00|1-00:00:00|500\n" +
            "10.batch|batch||1|COMPLETED|2023-01-01T00:00:00|2023-01-01T00:05:00|2023-01-01T01:00:00|" +
            "2023-01-01T02:00:00||\n" +
            "11|serve|gpu|1|CANCELLED by " +
                "1000|2023-01-01T00:00:00|2023-01-01T00:00:00|Unknown|2023-01-01T00:30:00|02:00:00|400\n");
        var read = TraceReaders.Read(path);
        var job = Assert.Single(read.Jobs);
        Assert.Equal("gpu", job.Partition);
        Assert.Equal(86400, job.LimitSeconds);
        Assert.Equal(job.Submit + 300, job.Eligible);
        Assert.Equal(1, read.NeverStarted);
    }

    [Theory]
    [InlineData("1-02:03:04", 86400 + 7384)]
    [InlineData("02:03:04", 7384)]
    [InlineData("03:04", 184)]
    [InlineData("90", 5400)]
    public void SlurmDurationsParse(string text, long seconds) =>
        Assert.Equal(seconds, SacctReader.Duration(text, "f", 1, "Timelimit"));

    [Fact]
    public void AnUnlimitedLimitCannotBePlanned()
    {
        var e = Assert.Throws<TraceFormatException>(() => SacctReader.Duration("UNLIMITED", "f", 7, "Timelimit"));
        Assert.StartsWith("f:7: field 'Timelimit'", e.Message);
    }

    [Fact]
    public void TheStandardWorkloadFormatUsesItsEpochAndProcessorsPerNode()
    {
        var path = File("t.swf",
            "; UnixStartTime: 1000000\n; MaxNodes: 4\n" +
            "1 0 60 3600 8 -1 -1 8 7200 -1 1 1 1 1 1 -1 -1 -1\n" +
            "2 30 -1 -1 4 -1 -1 4 600 -1 5 1 1 1 1 -1 -1 -1\n" +
            "3 40 0 100 3 -1 -1 3 -1 -1 1 1 1 1 1 -1 -1 -1\n");
        var read = TraceReaders.Read(path, "swf", new TraceReadOptions { ProcessorsPerNode = 4 });
        Assert.Equal(2, read.Jobs.Count);
        Assert.Equal(1, read.NeverStarted);
        var first = read.Jobs[0];
        Assert.Equal(1_000_000, first.Submit);
        Assert.Equal(1_000_060, first.Start);
        Assert.Equal(2, first.Nodes);
        Assert.Equal(7200, first.LimitSeconds);
        Assert.Equal(1, read.Jobs[1].Nodes);
        Assert.Equal(100, read.Jobs[1].LimitSeconds); // no requested time: the run time stands in
    }

    [Fact]
    public void AnUnknownFormatIsNamed()
    {
        var path = File("x.txt", "hello world\n");
        Assert.Contains("not a recognised trace format",
            Assert.Throws<TraceFormatException>(() => TraceReaders.Read(path)).Message);
        Assert.Equal("unknown trace format 'csv'; known: auto, mirage, sacct, swf, jobcomp",
            Assert.Throws<UnknownNameException>(() => TraceReaders.Read(path, "csv")).Message);
        var missing = Assert.Throws<BadInputException>(() => TraceReaders.Read(Path.Combine(_root, "missing.log")));
        Assert.Contains("missing.log': no such file", missing.Message);
    }

    private static string MirageRow(int id, string submit) =>
        $"{id}\tj\t00001\t2023-01-01T01:00:00\t{submit}\t2023-01-01T02:00:00\t1000\t120\t0:0\t1\n";

    [Fact]
    public void ATraceSpanningCenturiesIsRefusedNamingTheLimit()
    {
        // One row submitted in year 1 and started in 2023 is well formed, field by field; skipping
        // bad lines keeps it, and the trace's span would plan hundreds of thousands of chains.
        var path = File("year1.log",
            MirageHeader + MirageRow(1, "2023-01-01T00:00:00") + MirageRow(2, "0001-01-01T00:00:00"));
        var skipping = new TraceReadOptions { SkipBad = true };
        var e = Assert.Throws<TraceFormatException>(() => TraceReaders.Read(path, options: skipping));
        Assert.Equal($"{path}: its jobs were submitted over 2,022 years " +
                     "(job 2 on 0001-01-01 to job 1 on 2023-01-01), " +
                     "more than the 30-year limit on a trace; a submit time far from the rest is usually a damaged row",
            e.Message);
    }

    [Fact]
    public void AJobListedTwiceIsAMalformedLine()
    {
        // A log concatenated with itself would otherwise replay every job twice, in a queue twice as long.
        const string day = "2023-01-01T00:00:00";
        var path = File("twice.log", MirageHeader + MirageRow(1, day) + MirageRow(2, day) + MirageRow(1, day));
        Assert.StartsWith(
            $"{path}:6: field 'job id': job 1 appears again (first on line 4); the skip-bad-lines setting",
            Assert.Throws<MalformedTraceLineException>(() => TraceReaders.Read(path)).Message);
        var read = TraceReaders.Read(path, options: new TraceReadOptions { SkipBad = true });
        Assert.Equal(2, read.Jobs.Count);
        Assert.Equal(1, read.SkippedBadLines);
    }

    [Theory]
    [InlineData("99999999999999999999", "is not a whole number")]
    [InlineData("9223372036854775807", "is above the largest allowed value")]
    [InlineData("0", "is below the least allowed value, 1")]
    public void ExtremeLimitsAreMalformedLines(string minutes, string problem)
    {
        var row = MirageRow(1, "2023-01-01T00:00:00").Replace("\t120\t", $"\t{minutes}\t");
        var path = File("limits.log", MirageHeader + row);
        var e = Assert.Throws<MalformedTraceLineException>(() => TraceReaders.Read(path));
        Assert.StartsWith($"{path}:4: field 'TimelimitR': ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void ReadingALongTraceReportsProgressFromItsFirstLines()
    {
        // Some 4 MB: the first report comes after the first lines, long before the end.
        var rows = Enumerable.Range(1, 30_000).Select(i => MirageRow(i, "2023-01-01T00:00:00"));
        var path = File("long.log", MirageHeader + string.Concat(rows));
        var reports = new List<double>();
        var read = TraceReaders.Read(path, progress: new Core.Experiments.SynchronousProgress<double>(reports.Add));
        Assert.Equal(30_000, read.Jobs.Count);
        Assert.True(reports[0] < 0.05, $"the first report came at {reports[0]:P0}");
        Assert.True(reports.Count >= 5, $"only {reports.Count} reports");
        Assert.Equal(reports.Order(), reports);
        Assert.Equal(1, reports[^1]);
    }

    [Fact]
    public void SpecialFilesAreRefusedWithoutBeingRead()
    {
        string Refusal(string path) => Assert.Throws<BadInputException>(() => TraceReaders.Read(path)).Message;
        Assert.Contains("is a character device, not a regular file", Refusal("/dev/zero"));
        Assert.Contains("is a directory, not a regular file", Refusal(_root));
        if (!OperatingSystem.IsLinux()) return;
        var fifo = Path.Combine(_root, "fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        // Opened, a FIFO without a writer would block forever.
        Assert.Contains("is a named pipe (FIFO)", Refusal(fifo));
    }

    [SkippableFact]
    public void TheRealLonestar6TraceParses()
    {
        var dir = ReferenceData.Require("mirage");
        var path = Path.Combine(dir, "ls6-a100.log");

        var e = Assert.Throws<MalformedTraceLineException>(() => TraceReaders.Read(path));
        Assert.Contains(":19706: field 'row'", e.Message);
        var read = TraceReaders.Read(path, options: new TraceReadOptions { SkipBad = true });
        Assert.Equal(24_776, read.Jobs.Count);
        Assert.Equal(1, read.SkippedBadLines);
        Assert.Equal(19_708, read.Jobs.Count(j => j.Nodes == 1));
        Assert.Equal(64, read.Jobs.Max(j => j.Nodes));
        Assert.Equal(7200 * 60, read.Jobs.Max(j => j.LimitSeconds));
    }
}

public sealed class JobcompReaderTests
{
    private const string Line =
        "JobId=7 UserId=root(0) GroupId=root(0) Name=my job with spaces JobState=COMPLETED Partition=debug " +
            "TimeLimit=1 " +
        "StartTime=2026-11-25T10:00:05 EndTime=2026-11-25T10:00:25 NodeList=vm NodeCnt=1 ProcCnt=2 WorkDir=/tmp/a " +
            "dir ReservationName= " +
        "Tres=cpu=2,node=1 Account= QOS= WcKey= Cluster=mirage SubmitTime=2026-11-25T10:00:00 " +
            "EligibleTime=2026-11-25T10:00:02 DerivedExitCode=0:0 ExitCode=0:0";

    [Fact]
    public void KeysSplitOnlyWhereAKnownKeyFollowsASpace()
    {
        var f = JobcompReader.Split(Line);
        Assert.Equal("my job with spaces", f["Name"]);
        Assert.Equal("/tmp/a dir", f["WorkDir"]);
        Assert.Equal("cpu=2,node=1", f["Tres"]);
        Assert.Equal("", f["Account"]);
        Assert.Equal("0:0", f["ExitCode"]);
    }

    [Fact]
    public void AJobcompLogReadsAsJobs()
    {
        var path = Path.Combine(Path.GetTempPath(), "frugal-jobcomp-" + Guid.NewGuid().ToString("N") + ".log");
        File.WriteAllText(path,
            Line + "\n"
            + Line.Replace("JobId=7", "JobId=8").Replace("StartTime=2026-11-25T10:00:05", "StartTime=later") + "\n");
        try
        {
            var e = Assert.Throws<MalformedTraceLineException>(() => TraceReaders.Read(path));
            Assert.StartsWith($"{path}:2: field 'StartTime'", e.Message);
            var read = TraceReaders.Read(path, options: new TraceReadOptions { SkipBad = true });
            var job = Assert.Single(read.Jobs);
            Assert.Equal("debug", job.Partition);
            Assert.Equal(60, job.LimitSeconds);
            Assert.Equal(2, job.Eligible - job.Submit);
            Assert.Equal(5, job.WaitSeconds);
            Assert.Equal(20, job.RuntimeSeconds);
            Assert.Equal(1, read.SkippedBadLines);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
