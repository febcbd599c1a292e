using System.ComponentModel;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--seed <SEED>")]
    [Description("Master seed: every random choice of the run derives from it (default 42).")]
    [DefaultValue(42UL)]
    public ulong Seed { get; init; } = 42;

    [CommandOption("--out <DIR>")]
    [Description("Output folder for results and reports (default ./frugal-out).")]
    [DefaultValue("frugal-out")]
    public string Out { get; init; } = "frugal-out";

    [CommandOption("--json")]
    [Description("Print results as JSON on standard output instead of tables.")]
    public bool Json { get; init; }
}
