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
            using (var store = new RocksDbStore(RocksDbSharp.RocksDb.Open(options!, folder)))
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
            // Unlogged writes survive only through the flush: reopened, every record is there.
            using (var reopened = new RocksDbStore(RocksDbSharp.RocksDb.Open(options!, folder)))
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
