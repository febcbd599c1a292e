using System.Globalization;
using Frugal.Core.Randomness;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.RocksDb;
using Frugal.Workloads.Ycsb;

namespace Frugal.Tuning.Tests.RocksDb;

/// <summary>What a trial's database looks like before its runs: settled, the same whatever the load's timing.</summary>
public sealed class RocksDbStoreTests
{
    [Fact]
    public void ALoadWithoutTheLogIsSettledIntoTableFilesWithNothingLeftInTheBackgroundAndNothingLost()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-rocksdb-settle-{Guid.NewGuid():N}");
        try
        {
            // Small memtables and an early level-0 trigger, so the load leaves flushes and compactions behind.
            var configuration = RocksDbTarget.Space().DefaultConfiguration().ToDictionary(p => p.Key, p => p.Value);
            configuration["write_buffer_size"] = 1L << 20;
            configuration["level0_file_num_compaction_trigger"] = 2L;
            var settings = new YcsbSettings(5000, 1000, 2, TimeSpan.FromSeconds(0.1));
            var (options, error) = RocksDbOptions.Parse(configuration);
            Assert.True(options is not null, error);
            using (var store = RocksDbStore.Open(options!, folder))
            {
                store.Loading = true;
                YcsbRunner.Load(store, settings);
                store.Loading = false;
                Assert.True(store.Settle(default));
                long Property(string name) =>
                    long.Parse(store.Database.GetProperty(name), CultureInfo.InvariantCulture);
                Assert.Equal(0, Property("rocksdb.num-entries-active-mem-table"));
                Assert.Equal(0, Property("rocksdb.num-files-at-level0"));
                Assert.Equal(0, Property("rocksdb.compaction-pending"));
                Assert.Equal(0, Property("rocksdb.num-running-compactions"));
                Assert.Equal(0, Property("rocksdb.num-running-flushes"));
            }
            // Unlogged writes survive only through the flush: reopened (the store freed its options), every record
            // is there.
            using (var reopened = RocksDbStore.Open(RocksDbOptions.Parse(configuration).Options!, folder))
            using (var session = reopened.NewSession())
            {
                var value = new byte[1000];
                for (long key = 0; key < settings.Records; key++)
                {
                    Assert.True(session.Read(key, value), $"record {key} lost");
                    Assert.Equal(key, BitConverter.ToInt64(value));
                }
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ADatabaseWhoseNextFlushWouldStallWritesForeverStillSettles()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-rocksdb-stall-{Guid.NewGuid():N}");
        // The random search's iteration 46 of seed 4 hung here, settling and then closing: the shape below, reduced
        // from its LOG. A database whose flush still waits cannot be closed (RocksDB aborts the process), so a failing
        // run leaves it open.
        var settled = false;
        try
        {
            // Universal compaction, four sorted runs (three level-0 files, each smaller than the one before, over one
            // older run), which neither the size-ratio rule nor the run-count rule merges at a trigger of four; one
            // more file passes the slowdown trigger of four, so a flush "would stall writes", and a manual
            // compaction's flush by default waits for that to pass, which it never does.
            var configuration = RocksDbTarget.Space().DefaultConfiguration().ToDictionary(p => p.Key, p => p.Value);
            configuration["compaction_style"] = "kCompactionStyleUniversal";
            configuration["level0_file_num_compaction_trigger"] = 4L;
            configuration["level0_slowdown_writes_trigger"] = 4L;
            var (options, error) = RocksDbOptions.Parse(configuration);
            Assert.True(options is not null, error);
            var store = RocksDbStore.Open(options!, folder);
            var db = store.Database;
            var random = new RandomStream(5);
            long next = 0;
            void Write(int kilobytes)
            {
                for (var i = 0; i < kilobytes; i++)
                {
                    var value = new byte[1024];
                    random.NextBytes(value);
                    db.Put(BitConverter.GetBytes(next++), value);
                }
            }
            var flush = new RocksDbSharp.FlushOptions().SetWaitForFlush(true);
            void Shape()
            {
                Write(1600);
                db.Flush(flush);
                db.CompactRange((byte[]?)null, null);
                foreach (var kilobytes in new[] { 400, 200, 100 })
                {
                    Write(kilobytes);
                    db.Flush(flush);
                }
                Assert.Equal("3", db.GetProperty("rocksdb.num-files-at-level0"));
                Write(1);
            }
            static async Task<bool> WithinAMinute(Task task) =>
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))) == task;

            // As in a trial: a load without the log, which closing would flush (the shape again after the runs).
            store.Loading = true;
            YcsbRunner.Load(store, new YcsbSettings(100, 100, 1, TimeSpan.FromSeconds(0.1)));
            store.Loading = false;
            Shape();
            Assert.True(await WithinAMinute(Task.Run(() => store.Settle(default))),
                "the database did not settle within a minute");
            Assert.Equal("0", db.GetProperty("rocksdb.num-entries-active-mem-table"));
            Shape();
            settled = await WithinAMinute(Task.Run(store.Dispose));
            Assert.True(settled, "the database did not close within a minute");
        }
        finally
        {
            if (settled && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ARunReportsTheProcessorTimePerOperation()
    {
        using var target = new RocksDbTarget(new TargetOptions(DurationSeconds: 0.2, WarmupSeconds: 0, Scale: 2),
            new SeedTree(1));
        Assert.Null(target.Apply(RocksDbTarget.Space().DefaultConfiguration(), default));
        var run = target.Measure(default);
        Assert.False(run.Failed, run.Failure);
        Assert.True(run.Metrics[RocksDbTarget.CpuPerOperation] > 0);
        Assert.Contains(RocksDbTarget.CpuPerOperation, target.Objective.Metrics);
    }
}
