using System.Text;
using CsCheck;
using Frugal.Fuzz;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Tests.Fuzz;

/// <summary>
/// Damaged Slurm traces in every format: a reader returns jobs or refuses the file with one line of bad input (naming
/// file and line), with or without skipping bad lines; it never throws anything else and never hangs.
/// </summary>
public sealed class TraceFuzzTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("frugal-trace-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string> Samples => new()
    {
        { "mirage", "3\n       JobID    JobName    UID               Start              Submit                 End   " +
                    "Priority TimelimitR ExitCode   NNodes\n" + "------------ ---------- ------\n" +
                    "1\ta\t00001\t2023-01-01T01:00:00\t2023-01-01T00:00:00\t2023-01-01T02:00:00\t1234\t120\t0:0\t2\n" +
                    "2\tb\t00002\t2023-01-01T00:30:00\t2023-01-01T00:10:00\t2023-01-01T05:00:00\t1000\t60\t0:0\t1\n" },
        { "sacct", "JobID|JobName|Partition|NNodes|State|Submit|Eligible|Start|End|Timelimit|Priority\n" +
                   "10|train|gpu|2|COMPLETED|2023-01-01T00:00:00|2023-01-01T00:05:00|2023-01-01T01:00:00|" +
                   "2023-01-01T02:00:00|1-00:00:00|500\n" +
                   "11|serve|gpu|1|COMPLETED|2023-01-01T00:00:00|2023-01-01T00:00:00|2023-01-01T00:10:00|" +
                   "2023-01-01T00:30:00|02:00:00|400\n" },
        { "swf", "; UnixStartTime: 1000000\n; MaxNodes: 4\n" +
                 "1 0 60 3600 8 -1 -1 8 7200 -1 1 1 1 1 1 -1 -1 -1\n" +
                 "2 30 -1 -1 4 -1 -1 4 600 -1 5 1 1 1 1 -1 -1 -1\n" },
        { "jobcomp", "JobId=7 UserId=root(0) GroupId=root(0) Name=job JobState=COMPLETED Partition=debug " +
                     "TimeLimit=1 StartTime=2026-11-25T10:00:05 EndTime=2026-11-25T10:00:25 NodeList=vm NodeCnt=1 " +
                     "ProcCnt=2 SubmitTime=2026-11-25T10:00:00 EligibleTime=2026-11-25T10:00:02 ExitCode=0:0\n" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void ADamagedTraceIsReadOrRefusedInOneLine(string format, string sample)
    {
        var bytes = Encoding.UTF8.GetBytes(sample);
        var path = Path.Combine(_root, $"{format}.trace");
        FuzzCheck.ForEach(Gen.Select(FuzzCheck.Damages, FuzzCheck.Damages, Gen.Bool), 150, c =>
        {
            File.WriteAllBytes(path, c.Item2.Apply(c.Item1.Apply(bytes)));
            foreach (var name in new[] { format, "auto" })
            {
                var options = new TraceReadOptions { SkipBad = c.Item3, ProcessorsPerNode = 4 };
                if (FuzzCheck.Refusal(() => TraceReaders.Read(path, name, options)) is { } refusal)
                    Assert.Contains(path, refusal.Message);
            }
        });
    }
}
