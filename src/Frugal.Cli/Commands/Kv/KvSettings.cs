using System.ComponentModel;
using Frugal.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Kv;

/// <summary>What every <c>frugal kv</c> command takes: the store's directory and its memory budget.</summary>
public class KvSettings : CommandSettings
{
    [CommandOption("--dir <DIR>")]
    [Description("The store's data directory (required).")]
    public string? Dir { get; init; }

    [CommandOption("--memory-mib <MIB>")]
    [Description("Memory budget in MiB, split among index, log and read cache (default 64; the index size is fixed when the store is created).")]
    [DefaultValue(64)]
    public int MemoryMib { get; init; } = 64;

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Dir)) return ValidationResult.Error("--dir is required: the store's data directory.");
        return MemoryMib is < 1 or > 1 << 20 ? ValidationResult.Error($"--memory-mib: {MemoryMib} is not in [1, 1048576].") : ValidationResult.Success();
    }

    public KvStoreOptions Options => new() { Directory = Dir!, MemoryBudget = (long)MemoryMib << 20 };

    /// <summary>Opens an existing store; a missing directory is a usage error, not a reason to create one.</summary>
    public KvStore OpenExisting()
    {
        if (!Directory.Exists(Dir)) throw new UsageException($"--dir: no store at '{Dir}' (the directory does not exist).");
        return KvStore.Open(Options);
    }
}

/// <summary>A command on one key.</summary>
public class KeySettings : KvSettings
{
    [CommandArgument(0, "<KEY>")]
    [Description("The key (its UTF-8 bytes).")]
    public string Key { get; init; } = "";
}
