using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.RocksDb;

namespace Frugal.Tuning.Tests.RocksDb;

public sealed class RocksDbTargetTests
{
    private static readonly SearchSpace Space = RocksDbTarget.Space();

    /// <summary>A tiny load (2,000 records), 0.2-second runs, no warm-up.</summary>
    private static RocksDbTarget Small() =>
        new(new TargetOptions(DurationSeconds: 0.2, WarmupSeconds: 0, Scale: 2), new SeedTree(1));

    [Fact]
    public void TheSpaceHasMoreThanFortyKnobsWithRangesAndSpecialValues()
    {
        Assert.True(Space.Knobs.Count >= 40, $"{Space.Knobs.Count} knobs");
        Assert.Contains(Space.Knobs, k => k.Special.Count > 0);
        Assert.Contains(Space.Knobs, k => k.HostMax is not null);
        Assert.Equal(7,
            Space.Knobs.Count(k => k.Name.StartsWith(RocksDbOptions.CompressionPrefix, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Every knob, set away from its default on its own, reads back from the OPTIONS file RocksDB writes on open (the
    /// block cache, which that file does not record, from the database's block-cache-capacity property).
    /// </summary>
    [Fact]
    public void EveryKnobSetsAndReadsBack()
    {
        var defaults = Space.DefaultConfiguration();
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-rocksdb-readback-{Guid.NewGuid():N}");
        var wrong = new List<string>();
        try
        {
            foreach (var knob in Space.Knobs)
            {
                var value = Other(knob);
                var configuration = defaults.ToDictionary(p => p.Key, p => p.Value);
                configuration[knob.Name] = value;
                // RocksDB keeps the memtables merged below the memtable count: raise that too, so the value shows.
                if (knob.Name == "min_write_buffer_number_to_merge") configuration["max_write_buffer_number"] = 16L;
                var (options, error) = RocksDbOptions.Parse(configuration);
                Assert.True(options is not null, $"{knob.Name} = {value}: {error}");
                var directory = Directory.CreateDirectory(Path.Combine(folder, knob.Name)).FullName;
                using (var db = RocksDbSharp.RocksDb.Open(options!, directory))
                {
                    var read = knob.Name == RocksDbOptions.BlockCache
                        ? (long.Parse(db.GetProperty("rocksdb.block-cache-capacity"), CultureInfo.InvariantCulture)
                            >> 20).ToString(CultureInfo.InvariantCulture)
                        : ReadBack(OptionsFile(directory), knob);
                    if (!Same(knob, value, read))
                        wrong.Add($"{knob.Name}: set {RocksDbOptions.Format(value)}, read {read}");
                }
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void ATrialMeasuresThroughputAndLatency()
    {
        using var target = Small();
        var measurement = target.Evaluate(Space.DefaultConfiguration(), default, repeats: 2);
        Assert.False(measurement.Failed, measurement.Failure);
        Assert.True(measurement.Metrics["ops_per_sec"] > 0);
        Assert.True(measurement.Metrics["p99_us"] >= measurement.Metrics["p50_us"]);
        Assert.Equal(2, measurement.Runs.Count);
    }

    [Fact]
    public void AValueRocksDbRefusesFailsTheTrialNamingTheKnobAndTheLastGoodConfigurationStays()
    {
        // This build of RocksDB links no Xpress compression (a Windows library): a documented value it refuses.
        var space = SpaceFile.Parse(
            """
            { "name": "r", "knobs": [
              { "name": "write_buffer_size", "type": "integer", "min": 1048576, "max": 67108864, "default": 67108864 },
              { "name": "compression_l1", "type": "categorical", "values": ["kLZ4Compression", "kXpressCompression"],
                "default": "kLZ4Compression" } ] }
            """, "r.json");
        using var target = Small();
        var good = space.DefaultConfiguration().ToDictionary(p => p.Key, p => p.Value);
        good["write_buffer_size"] = 4L << 20;
        Assert.Null(target.Apply(good, default));
        var kept = target.CurrentDirectory;
        var bad = good.ToDictionary(p => p.Key, p => p.Value);
        bad["compression_l1"] = "kXpressCompression";
        var failure = target.Apply(bad, default);
        Assert.NotNull(failure);
        Assert.Contains("knob compression_l1 = kXpressCompression", failure);
        var message = failure[failure.IndexOf("):", StringComparison.Ordinal)..];
        Assert.Contains("Xpress", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', failure);
        Assert.Equal(kept, target.CurrentDirectory);
        Assert.False(target.Measure(default).Failed);

        var trial = Tuner.Run(target, new TuningPlan("rocksdb", space, TuningMethod.Parse("random"), 0, 1));
        Assert.False(trial.Default.Failed);
    }

    [Fact]
    public void AHistoryOfAnotherTargetOrSpaceIsRefusedNamingTheField()
    {
        var path = Path.Combine(Path.GetTempPath(), $"frugal-rocksdb-history-{Guid.NewGuid():N}.jsonl");
        try
        {
            var kv = Frugal.Tuning.Targets.Kv.KvTarget.Space();
            var plan = new TuningPlan("kv", kv, TuningMethod.Parse("random"), 0, 1);
            var objective = new TargetObjective("ops_per_sec", true, ["ops_per_sec"]);
            using (TuningHistory.Create(path, plan.Identity(objective), kv)) { }
            var rocks = new TuningPlan("rocksdb", Space, TuningMethod.Parse("random"), 0, 1);
            var e = Assert.Throws<BadInputException>(() =>
                TuningHistory.Resume(path, rocks.Identity(objective), Space));
            Assert.Contains("target 'kv', not 'rocksdb'", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            var otherSpace = rocks with { TargetName = "kv" };
            e = Assert.Throws<BadInputException>(() =>
                TuningHistory.Resume(path, otherSpace.Identity(objective), Space));
            Assert.Contains("space 'kv'", e.Message);
            Assert.Contains(TuningHistory.Setting, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A value of the knob other than its default: its maximum, else its minimum; the other choice.</summary>
    private static object Other(Knob knob) => knob.Type switch
    {
        KnobType.Boolean => !(bool)knob.Default,
        KnobType.Categorical => knob.Values.First(v => v != (string)knob.Default),
        KnobType.Integer => (long)(Convert.ToDouble(knob.Default, CultureInfo.InvariantCulture) == knob.Max
            ? knob.Min : knob.Max),
        _ => Convert.ToDouble(knob.Default, CultureInfo.InvariantCulture) == knob.Max ? knob.Min : knob.Max,
    };

    private static Dictionary<string, string> OptionsFile(string directory)
    {
        var file = Directory.GetFiles(directory, "OPTIONS-*").Order(StringComparer.Ordinal).Last();
        var values = new Dictionary<string, string>();
        var section = "";
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
                section = line.StartsWith("[TableOptions", StringComparison.Ordinal) ? "table." : "";
            else if (line.IndexOf('=') is var eq and > 0) values[section + line[..eq]] = line[(eq + 1)..];
        }
        return values;
    }

    private static string ReadBack(Dictionary<string, string> options, Knob knob)
    {
        if (knob.Name == RocksDbOptions.BloomBits) return options["table.filter_policy"];
        if (knob.Name.StartsWith(RocksDbOptions.CompressionPrefix, StringComparison.Ordinal))
        {
            var level = int.Parse(knob.Name[^1..], CultureInfo.InvariantCulture);
            return options["compression_per_level"].Split(':')[level];
        }
        return options[knob.Name];
    }

    private static bool Same(Knob knob, object value, string read) => knob.Name == RocksDbOptions.BloomBits
        ? read == $"bloomfilter:{value}:false"
        : value switch
        {
            bool b => read == (b ? "true" : "false"),
            string s => read == s,
            _ => Math.Abs(double.Parse(read, CultureInfo.InvariantCulture)
                - Convert.ToDouble(value, CultureInfo.InvariantCulture)) < 1e-6,
        };
}
