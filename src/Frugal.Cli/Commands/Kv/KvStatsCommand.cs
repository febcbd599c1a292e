using System.ComponentModel;
using Frugal.Cli.Rendering;
using Frugal.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Kv;

/// <summary><c>frugal kv stats</c>: the memory split, the log's regions and what recovery found.</summary>
internal sealed class KvStatsCommand(IAnsiConsole console) : Command<KvStatsCommand.Settings>
{
    public sealed class Settings : KvSettings
    {
        [CommandOption("--json [PATH]")]
        [Description("Print the statistics as JSON instead of a table; with PATH, write the JSON to that file too.")]
        public FlagValue<string> Json { get; init; } = new();

        public override ValidationResult Validate()
        {
            var basic = base.Validate();
            if (!basic.Successful) return basic;
            return JsonOutput.PathProblem(Json) is { } problem
                ? ValidationResult.Error($"--json: {problem}.")
                : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var store = settings.Open(KvAccess.ReadOnly);
        var stats = store.Stats();
        JsonOutput.Emit(console, settings.Json, new StoreReport(stats, store.Recovery).ToJson());
        if (JsonOutput.OnConsole(settings.Json)) return ExitCodes.Success;
        var table = new Table().AddColumns("what", "value");
        void Row(string what, object value) =>
            table.AddRow(Markup.Escape(what),
            Markup.Escape(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        Row("index bytes (buckets + overflow)", $"{stats.IndexBytes} ({stats.IndexBuckets} + {stats.OverflowBuckets})");
        Row("log memory bytes", stats.Plan.LogMemoryBytes);
        Row("read cache bytes", stats.Plan.ReadCacheBytes);
        Row("page bytes", 1L << stats.Plan.PageBits);
        Row("cold index bytes (chunks)", $"{stats.ColdIndexBytes} ({stats.ColdIndexChunks})");
        Row("cold log memory bytes", stats.Plan.ColdLogMemoryBytes);
        Row("log begin / head / read-only / tail",
            $"{stats.BeginAddress} / {stats.HeadAddress} / {stats.ReadOnlyAddress} / {stats.TailAddress}");
        Row("log on disk only / in memory (bytes)", $"{stats.OnDiskBytes} / {stats.InMemoryBytes}");
        Row("cold log begin / tail", $"{stats.ColdBeginAddress} / {stats.ColdTailAddress}");
        Row("compactions hot→cold / cold→cold / cold index",
            $"{stats.HotToColdCompactions} / {stats.ColdToColdCompactions} / {stats.ColdIndexCompactions}");
        Row("disk space reclaimed (bytes)", stats.ReclaimedBytes);
        Row("I/O", stats.Io);
        Row("recovered checkpoint", store.Recovery.CheckpointSequence);
        Row("torn tail dropped (bytes)", store.Recovery.TruncatedBytes);
        console.Write(table);
        return ExitCodes.Success;
    }
}
