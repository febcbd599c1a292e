using System.ComponentModel;
using System.Text;
using Frugal.Core.Randomness;
using Frugal.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Kv;

/// <summary><c>frugal kv put</c>: sets a key and checkpoints.</summary>
internal sealed class KvPutCommand(IAnsiConsole console) : Command<KvPutCommand.Settings>
{
    public sealed class Settings : KeySettings
    {
        [CommandArgument(1, "<VALUE>")]
        [Description("The value (its UTF-8 bytes).")]
        public string Value { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var store = settings.Open(KvAccess.CreateOrOpen);
        var key = Encoding.UTF8.GetBytes(settings.Key);
        var value = Encoding.UTF8.GetBytes(settings.Value);
        var most = store.MaxValueLength(key.Length);
        if (value.Length > most)
            throw new UsageException($"<VALUE>: {value.Length} bytes; with this key the store's records hold at most " +
                                     $"{most} (its page size, set by --memory-mib when it was created)");
        store.Upsert(key, value);
        var checkpoint = store.Checkpoint();
        console.WriteLine($"put {settings.Key} (checkpoint {checkpoint.Sequence})");
        return ExitCodes.Success;
    }
}

/// <summary><c>frugal kv get</c>: prints a key's value; exit code 1 when the key is absent.</summary>
internal sealed class KvGetCommand(IAnsiConsole console) : AsyncCommand<KeySettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context, KeySettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open(KvAccess.ReadOnly);
        var value = await store.GetAsync(Encoding.UTF8.GetBytes(settings.Key));
        if (value is null) throw new CommandFailedException($"key '{settings.Key}' not found in {settings.Dir}.");
        console.Profile.Out.Writer.WriteLine(Encoding.UTF8.GetString(value));
        return ExitCodes.Success;
    }
}

/// <summary><c>frugal kv delete</c>: deletes a key (a tombstone) and checkpoints.</summary>
internal sealed class KvDeleteCommand(IAnsiConsole console) : Command<KeySettings>
{
    public override int Execute(CommandContext context, KeySettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open(KvAccess.Existing);
        store.Delete(Encoding.UTF8.GetBytes(settings.Key));
        var checkpoint = store.Checkpoint();
        console.WriteLine($"deleted {settings.Key} (checkpoint {checkpoint.Sequence})");
        return ExitCodes.Success;
    }
}

/// <summary><c>frugal kv checkpoint</c>: opens (recovering) and checkpoints the store.</summary>
internal sealed class KvCheckpointCommand(IAnsiConsole console) : Command<KvSettings>
{
    public override int Execute(CommandContext context, KvSettings settings, CancellationToken cancellation)
    {
        using var store = settings.Open(KvAccess.Existing);
        var checkpoint = store.Checkpoint();
        console.WriteLine(
            $"checkpoint {checkpoint.Sequence}: {checkpoint.IndexEntries} index entries, " +
            $"log up to address {checkpoint.TailAddress}; " +
                          $"recovery had dropped a torn tail of {store.Recovery.TruncatedBytes} bytes");
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>frugal kv load</c>: writes N records key0..key(N-1) with seeded random values, then checkpoints.
/// </summary>
internal sealed class KvLoadCommand(IAnsiConsole console) : Command<KvLoadCommand.Settings>
{
    /// <summary>
    /// The most records one load writes: beyond it a load runs for many minutes and its data outgrows the default disk
    /// budget.
    /// </summary>
    public const long MaxRecords = 100_000_000;

    /// <summary>The longest value a load writes (a record must also fit one of the store's pages).</summary>
    public const int MaxValueBytes = 1 << 20;

    public sealed class Settings : KvSettings
    {
        [CommandOption("--records <N>")]
        [Description("How many records to write (keys key0, key1, ...), at most 100000000.")]
        [DefaultValue(100_000L)]
        public long Records { get; init; } = 100_000;

        [CommandOption("--value-bytes <N>")]
        [Description("Length of each value (default 100).")]
        [DefaultValue(100)]
        public int ValueBytes { get; init; } = 100;

        [CommandOption("--seed <SEED>")]
        [Description("Master seed of the values (default 42).")]
        [DefaultValue(42UL)]
        public ulong Seed { get; init; } = 42;

        public override ValidationResult Validate()
        {
            var basic = base.Validate();
            if (!basic.Successful) return basic;
            if (Records is < 0 or > MaxRecords)
                return ValidationResult.Error($"--records: {Records} is not in [0, {MaxRecords}].");
            return ValueBytes is < 0 or > MaxValueBytes
                ? ValidationResult.Error($"--value-bytes: {ValueBytes} is not in [0, {MaxValueBytes}].")
                : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var store = settings.Open(KvAccess.CreateOrOpen);
        var longestKey = Encoding.UTF8.GetByteCount($"key{Math.Max(0, settings.Records - 1)}");
        var most = store.MaxValueLength(longestKey);
        if (settings.ValueBytes > most)
            throw new UsageException($"--value-bytes: {settings.ValueBytes} bytes; this store's records hold values " +
                                     $"of at most {most} with these keys " +
                                     "(its page size, set by --memory-mib when it was created)");
        // The values are the run's: a stream of the seed tree that --seed roots.
        var random = new SeedTree(settings.Seed).Stream("kv-load-values");
        var value = new byte[settings.ValueBytes];
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (long i = 0; i < settings.Records; i++)
        {
            if ((i & 0xFFFF) == 0) cancellation.ThrowIfCancellationRequested();
            for (var b = 0; b < value.Length; b++) value[b] = (byte)alphabet[random.Next(alphabet.Length)];
            store.Upsert(Encoding.UTF8.GetBytes($"key{i}"), value);
        }
        var checkpoint = store.Checkpoint();
        console.WriteLine($"loaded {settings.Records} records into {settings.Dir} (checkpoint {checkpoint.Sequence})");
        return ExitCodes.Success;
    }
}
