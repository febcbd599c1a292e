using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--seed <SEED>")]
    [Description("Master seed, a whole number from 0 to 2^64-1: every random choice of the run derives from it (default 42).")]
    [DefaultValue("42")]
    public string SeedText { get; init; } = "42";

    public ulong Seed => ulong.Parse(SeedText, System.Globalization.CultureInfo.InvariantCulture);

    [CommandOption("--out <DIR>")]
    [Description("Output folder for results and reports (default ./frugal-out).")]
    [DefaultValue("frugal-out")]
    public string Out { get; init; } = "frugal-out";

    [CommandOption("--json [PATH]")]
    [Description("Print results as JSON on standard output instead of tables; with PATH, write the JSON to that file too.")]
    public FlagValue<string> Json { get; init; } = new();

    /// <summary>JSON replaces the tables on standard output (<c>--json</c> without a path).</summary>
    public bool JsonOnConsole => Json.IsSet && string.IsNullOrEmpty(Json.Value);

    /// <summary>The file <c>--json PATH</c> names, if any.</summary>
    public string? JsonPath => Json.IsSet && !string.IsNullOrEmpty(Json.Value) ? Json.Value : null;

    public override ValidationResult Validate() =>
        ulong.TryParse(SeedText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? ValidationResult.Success()
            : ValidationResult.Error($"--seed: '{SeedText}' is not a whole number from 0 to 2^64-1.");
}
