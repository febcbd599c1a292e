using System.ComponentModel;
using Frugal.Core.Errors;
using Frugal.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Kv;

/// <summary>How a <c>frugal kv</c> command opens its store.</summary>
internal enum KvAccess
{
    /// <summary>Open the store, or create one in a missing or empty directory (put, load).</summary>
    CreateOrOpen,

    /// <summary>Open an existing store for writing (delete, checkpoint).</summary>
    Existing,

    /// <summary>Open an existing store for reading only: nothing in the directory changes (get, stats).</summary>
    ReadOnly,
}

/// <summary>What every <c>frugal kv</c> command takes: the store's directory and its memory budget.</summary>
internal class KvSettings : CommandSettings
{
    /// <summary>The largest <c>--memory-mib</c>: 256 GiB (the store also refuses more than the machine has).</summary>
    public const int MaxMemoryMib = 1 << 18;

    [CommandOption("--dir <DIR>")]
    [Description("The store's data directory (required).")]
    public string? Dir { get; init; }

    [CommandOption("--memory-mib <MIB>")]
    [Description("Memory budget in MiB, split among index, log and read cache " +
                 "(default 64; the index size is fixed when the store is created).")]
    [DefaultValue(64)]
    public int MemoryMib { get; init; } = 64;

    [CommandOption("--io <MODE>")]
    [Description("How the logs meet the disk: buffered (through the page cache, the default) or direct " +
                 "(O_DIRECT and io_uring, Linux: every read and write reaches the disk).")]
    [DefaultValue(IoMode.Buffered)]
    public IoMode Io { get; init; } = IoMode.Buffered;

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Dir))
            return ValidationResult.Error("--dir is required: the store's data directory.");
        return MemoryMib is < 1 or > MaxMemoryMib
            ? ValidationResult.Error($"--memory-mib: {MemoryMib} is not in [1, {MaxMemoryMib}] (MiB).")
            : ValidationResult.Success();
    }

    /// <summary>
    /// Opens the store as the command needs it; a setting the store refuses is reported under this command's flag.
    /// </summary>
    public KvStore Open(KvAccess access)
    {
        var options = new KvStoreOptions
        {
            Directory = Dir!,
            MemoryBudget = (long)MemoryMib << 20,
            ReadOnly = access == KvAccess.ReadOnly,
            CreateIfMissing = access == KvAccess.CreateOrOpen,
            Io = Io,
        };
        try
        {
            return KvStore.Open(options);
        }
        catch (BadInputException e) when (
            e.Setting is KvStore.DirectorySetting or MemoryPlan.MemoryBudgetSetting or KvStore.IoSetting)
        {
            var flag = e.Setting switch
            {
                KvStore.DirectorySetting => "--dir",
                KvStore.IoSetting => "--io",
                _ => "--memory-mib",
            };
            throw new UsageException($"{flag}: {e.Message}");
        }
    }
}

/// <summary>A command on one key.</summary>
internal class KeySettings : KvSettings
{
    [CommandArgument(0, "<KEY>")]
    [Description("The key (its UTF-8 bytes).")]
    public string Key { get; init; } = "";
}
