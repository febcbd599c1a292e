using System.ComponentModel;
using Frugal.Core.Errors;
using Frugal.Recsys.Cluster;
using Frugal.Recsys.Data;
using Frugal.Recsys.Lookahead;
using Frugal.Recsys.Model;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Recsys;

/// <summary>Where the embedding server keeps its rows (server, train; the oracle ignores them).</summary>
internal class StoreSettings : GlobalSettings
{
    [CommandOption("--store <STORE>")]
    [Description("Embedding server store: memory (default) or f2 (Frugal.Storage's key-value store).")]
    [DefaultValue("memory")]
    public string Store { get; init; } = "memory";

    [CommandOption("--memory-budget <BYTES>")]
    [Description("F2's memory budget, e.g. 64m.")]
    public string? MemoryBudget { get; init; }

    [CommandOption("--store-dir <DIR>")]
    [Description("F2's data directory (default: a new temporary one).")]
    public string? StoreDirectory { get; init; }

    public override string? OptionFor(string setting) => setting switch
    {
        "store" => "--store",
        "memory budget" => "--memory-budget",
        _ => base.OptionFor(setting),
    };
}

/// <summary>Options of the commands that define a training run (train, oracle).</summary>
internal class RecsysRunSettings : StoreSettings
{
    [CommandOption("--mode <MODE>")]
    [Description("sync, lru or bagpipe (default bagpipe).")]
    [DefaultValue("bagpipe")]
    public string Mode { get; init; } = "bagpipe";

    [CommandOption("--model <MODEL>")]
    [Description("dlrm or dcn (default dlrm).")]
    [DefaultValue("dlrm")]
    public string Model { get; init; } = "dlrm";

    [CommandOption("--trainers <N>")]
    [Description("Trainers (default 1).")]
    [DefaultValue(1)]
    public int Trainers { get; init; } = 1;

    [CommandOption("--batch <B>")]
    [Description("Global batch size (default 256).")]
    [DefaultValue(256)]
    public int Batch { get; init; } = 256;

    [CommandOption("--iterations <N>")]
    [Description("Training iterations (default 200).")]
    [DefaultValue(200)]
    public int Iterations { get; init; } = 200;

    [CommandOption("--lookahead <L>")]
    [Description("Batches the oracle reads ahead (default 200).")]
    [DefaultValue(200)]
    public int Lookahead { get; init; } = 200;

    [CommandOption("--interval <C>")]
    [Description("Eviction and prefetch interval (default max(1, L/4)).")]
    [DefaultValue(0)]
    public int Interval { get; init; }

    [CommandOption("--no-nosync")]
    [Description("Synchronise rows used once too (switch the NoSync optimisation off).")]
    public bool NoNoSync { get; init; }

    [CommandOption("--background-deferred")]
    [Description("Give Bagpipe's deferred rows an all-reduce pass of their own in the background (two passes per " +
        "iteration, as in the paper) instead of folding them into the next iteration's pass; same results.")]
    public bool BackgroundDeferred { get; init; }

    [CommandOption("--capacity <ROWS>")]
    [Description("Trainer cache rows (default: the dry run's bound).")]
    [DefaultValue(0)]
    public int Capacity { get; init; }

    [CommandOption("--dim <D>")]
    [Description("Embedding dimension (default 16).")]
    [DefaultValue(16)]
    public int Dim { get; init; } = 16;

    [CommandOption("--tables-divisor <K>")]
    [Description("Synthetic tables: the Kaggle Criteo sizes divided by K (default 100).")]
    [DefaultValue(100)]
    public int TablesDivisor { get; init; } = 100;

    [CommandOption("--data <FILE>")]
    [Description("A batch file (from recsys generate) or a Criteo TSV file; default: synthetic data.")]
    public string? Data { get; init; }

    [CommandOption("--net-latency-ms <MS>")]
    [Description("Shaped one-way latency of the shaped links (default 0).")]
    [DefaultValue(0.0)]
    public double LatencyMs { get; init; }

    [CommandOption("--net-bandwidth-mbps <MBPS>")]
    [Description("Shaped bandwidth of the shaped links in MB/s (default 0 = unlimited).")]
    [DefaultValue(0.0)]
    public double BandwidthMBps { get; init; }

    [CommandOption("--shape <LINKS>")]
    [Description("Links the latency and bandwidth apply to: server (default: the trainers' links to the embedding " +
        "server, all-reduce on a fast interconnect, as in the paper) or all (the all-reduce ring too).")]
    [DefaultValue("server")]
    public string Shape { get; init; } = "server";

    [CommandOption("--allreduce-chunk <VALUES>")]
    [Description("Values per chunk of the pipelined all-reduce (default 8192; 0 = one chunk, unpipelined).")]
    [DefaultValue(RunConfig.DefaultAllReduceChunk)]
    public int AllReduceChunk { get; init; } = RunConfig.DefaultAllReduceChunk;

    [CommandOption("--checkpoint <FILE>")]
    [Description("Write the trained model (dense parameters, tables, iteration) here, atomically.")]
    public string? Checkpoint { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("Longest wait for a peer (default 60).")]
    [DefaultValue(60.0)]
    public double Timeout { get; init; } = 60;

    public override string? OptionFor(string setting) => setting switch
    {
        CacheBound.CapacitySetting => "--capacity",
        NetworkShape.LatencySetting => "--net-latency-ms",
        NetworkShape.BandwidthSetting => "--net-bandwidth-mbps",
        "trainers" => "--trainers",
        "batch size" => "--batch",
        "iterations" => "--iterations",
        "lookahead" => "--lookahead",
        "prefetch interval" => "--interval",
        "tables" => "--data",
        "model" => "--model",
        "timeout" => "--timeout",
        RunConfig.AllReduceChunkSetting => "--allreduce-chunk",
        "address" => "--server",
        _ => base.OptionFor(setting),
    };

    /// <summary>The run these options describe.</summary>
    public RunConfig ToConfig()
    {
        var mode = new Core.Catalogs.Catalog<RecsysMode>("mode")
            .Add("sync", RecsysMode.Sync).Add("lru", RecsysMode.Lru).Add("bagpipe", RecsysMode.Bagpipe);
        var links = new Core.Catalogs.Catalog<ShapedLinks>("shape")
            .Add("server", ShapedLinks.Server, "the trainers' links to the embedding server")
            .Add("all", ShapedLinks.All, "the server's links and the trainers' all-reduce ring");
        var (kind, path, cardinalities) = (DataKind.Synthetic, (string?)null,
            SyntheticCtrGenerator.KaggleCardinalities(Math.Max(1, TablesDivisor)));
        if (Data is not null)
        {
            path = Data;
            using var probe = File.Exists(Data) ? File.OpenRead(Data) : null;
            var isBatchFile =
                probe is not null && probe.Length >= 4 && probe.ReadByte() == 'F' && probe.ReadByte() == 'R';
            if (isBatchFile)
            {
                using var reader = BatchFile.Open(Data);
                (kind, cardinalities) = (DataKind.BatchFile, reader.Cardinalities);
            }
            else
            {
                kind = DataKind.Criteo;
            }
        }
        return new RunConfig
        {
            Mode = mode.Get(Mode), Model = new ModelConfig(ModelConfig.Kinds.Get(Model), Dim), Trainers = Trainers,
            BatchSize = Batch, Iterations = Iterations, Lookahead = Lookahead, Interval = Interval, NoSync = !NoNoSync,
            Capacity = Capacity, Cardinalities = cardinalities, Data = kind, DataPath = path, Seed = Seed,
            Network = new NetworkShape(LatencyMs, BandwidthMBps), ShapedLinks = links.Get(Shape),
            TimeoutSeconds = Timeout,
            AllReduceChunk = AllReduceChunk, FoldDeferred = !BackgroundDeferred,
        }.Validate();
    }
}

internal static class StoreChoice
{
    /// <summary>Opens the store the options name: memory, or F2 within a budget (a temporary directory when none
    /// is given).</summary>
    public static Func<TableShape, IEmbeddingStore> Of(StoreSettings settings) => settings.Store switch
    {
        "memory" => shape => new MemoryEmbeddingStore(shape),
        "f2" => shape => new KvEmbeddingStore(shape,
            settings.StoreDirectory ?? Directory.CreateTempSubdirectory("frugal-recsys-f2-").FullName,
            Budget(settings.MemoryBudget)),
        _ => throw new BadInputException($"store '{settings.Store}' is unknown (memory, f2)", "store"),
    };

    private static long Budget(string? text)
    {
        if (text is null) return Frugal.Storage.KvStoreOptions.DefaultMemoryBudget;
        var units = new Dictionary<string, long> { ["k"] = 1L << 10, ["m"] = 1L << 20, ["g"] = 1L << 30, [""] = 1 };
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1..].ToLowerInvariant() : "";
        return long.TryParse(text[..^unit.Length], out var n) && n > 0 && units.TryGetValue(unit, out var scale)
            ? n * scale
            : throw new BadInputException($"'{text}' is not a size (e.g. 64m, 1g)", "memory budget");
    }
}
