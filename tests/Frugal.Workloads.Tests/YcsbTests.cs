using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Storage;
using Frugal.Workloads.Ycsb;

namespace Frugal.Workloads.Tests;

public sealed class YcsbTests
{
    [Fact]
    public void ALoadedStoreServesEveryKeyAndTheRunCountsItsOperations()
    {
        var dir = Directory.CreateTempSubdirectory("frugal-ycsb-tests-");
        try
        {
            LoadAndRun(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void LoadAndRun(string directory)
    {
        var settings =
            new YcsbSettings(Records: 50_000, ValueBytes: 100, Threads: 2, Duration: TimeSpan.FromMilliseconds(300));
        var options = new KvStoreOptions { Directory = directory, MemoryBudget = settings.DataBytes / 8 };
        using var target = new FrugalTarget(KvStore.Open(options));
        var load = YcsbRunner.Load(target, settings);
        Assert.Equal(settings.Records, load.Operations);
        Assert.True(load.DeviceBytesWritten > 0, "a budget of 1/8 of the data must spill to disk");

        using (var session = target.NewSession())
        {
            var value = new byte[settings.ValueBytes];
            for (long key = 0; key < settings.Records; key += 97)
            {
                Assert.True(session.Read(key, value), $"key {key}");
                Assert.Equal(key, BitConverter.ToInt64(value));
            }
            // The benchmark's RMW adds 1 to the first word.
            session.ReadModifyWrite(5, value);
            Assert.True(session.Read(5, value));
            Assert.Equal(6, BitConverter.ToInt64(value));
        }

        var run = YcsbRunner.Run(target, YcsbWorkload.B, settings, new SeedTree(1));
        Assert.True(run.Operations > 0);
        Assert.True(run.P99Micros >= run.P50Micros);
        AssertReadsCountedOnCompletion(target, settings.Records);
    }

    /// <summary>Every read a session issued is counted once it completed, found or not, waited for or not.</summary>
    private static void AssertReadsCountedOnCompletion(FrugalTarget target, long records)
    {
        var before = target.ReadTotals;
        const int present = 3000, absent = 500;
        using (var session = target.NewSession())
        {
            var value = new byte[100];
            for (var i = 0; i < present; i++) session.Read(i * 13 % records, value);
            for (var i = 0; i < absent; i++) session.Read(records + i, value);
        }
        var after = target.ReadTotals;
        Assert.Equal(present + absent, after.Reads - before.Reads);
        Assert.Equal(present, after.Found - before.Found);
        Assert.Equal(absent, after.Missing - before.Missing);
    }

    [Fact]
    public void WorkloadsHaveTheirMixes()
    {
        var random = new RandomStream(3);
        var reads = Enumerable.Range(0, 100_000).Count(_ => YcsbWorkload.B.NextOperation(random) == YcsbOperation.Read);
        Assert.InRange(reads, 94_000, 96_000);
        Assert.All(Enumerable.Range(0, 1000), _ =>
            Assert.Equal(YcsbOperation.ReadModifyWrite, YcsbWorkload.F.NextOperation(random)));
        Assert.Equal(YcsbWorkload.D, YcsbWorkload.Parse("d"));
        Assert.Contains("A, B, C, D, F", Assert.Throws<UnknownNameException>(() => YcsbWorkload.Parse("Z")).Message);
    }
}
