using System.ComponentModel;
using System.Globalization;
using Frugal.Core.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary>Options every command takes.</summary>
internal class GlobalSettings : CommandSettings
{
    [CommandOption("--seed <SEED>")]
    [Description(
        "Master seed, a whole number from 0 to 2^64-1: every random choice of the run derives from it (default 42).")]
    [DefaultValue("42")]
    public string SeedText { get; init; } = "42";

    public ulong Seed => ulong.Parse(SeedText, CultureInfo.InvariantCulture);

    [CommandOption("--out <DIR>")]
    [Description("Output folder for results and reports (default ./frugal-out).")]
    [DefaultValue("frugal-out")]
    public string Out { get; init; } = "frugal-out";

    [CommandOption("--json [PATH]")]
    [Description(
        "Print results as JSON on standard output instead of tables; with PATH, write the JSON to that file too.")]
    public FlagValue<string> Json { get; init; } = new();

    /// <summary>JSON replaces the tables on standard output (<c>--json</c> without a path).</summary>
    public bool JsonOnConsole => Rendering.JsonOutput.OnConsole(Json);

    /// <summary>The file <c>--json PATH</c> names, if any.</summary>
    public string? JsonPath => Rendering.JsonOutput.PathOf(Json);

    /// <summary>
    /// Whether the command writes into <c>--out</c>; then the folder must be writable before the command starts.
    /// Commands that never write there leave it false, so that they run in a folder they may not write into.
    /// </summary>
    protected virtual bool WritesOutputFolder => false;

    /// <summary>
    /// The option that sets <paramref name="setting"/> (a library's name for a setting, as in
    /// <see cref="Core.Errors.BadInputException.Setting"/>), or null; see <see cref="SettingCommand{TSettings}"/>.
    /// </summary>
    public virtual string? OptionFor(string setting) => null;

    /// <summary>
    /// <paramref name="message"/> with <paramref name="option"/> in the setting's place: a leading "setting: " or an
    /// inner "the setting setting" becomes the option; otherwise the option goes in front.
    /// </summary>
    internal static string WithOption(string message, string setting, string option)
    {
        if (message.StartsWith(setting + ": ", StringComparison.Ordinal)) return option + message[setting.Length..];
        var phrase = $"the {setting} setting";
        return message.Contains(phrase, StringComparison.Ordinal)
            ? message.Replace(phrase, option, StringComparison.Ordinal)
            : $"{option}: {message}";
    }

    /// <summary>
    /// Runs <paramref name="validate"/>, a component's own checks of the options the command line builds, before any
    /// work starts; its bad-input error becomes a validation error naming the option (<see cref="OptionFor"/>).
    /// </summary>
    protected ValidationResult CheckedBy(Action validate)
    {
        try
        {
            validate();
            return ValidationResult.Success();
        }
        catch (BadInputException e)
        {
            return ValidationResult.Error(e.Setting is { } setting && OptionFor(setting) is { } option
                ? WithOption(e.Message, setting, option)
                : e.Message);
        }
    }

    /// <summary>
    /// Checks the seed, and that what <c>--out</c> and <c>--json PATH</c> name can be written, before any work starts:
    /// a run must not compute for an hour and then fail to save its results.
    /// </summary>
    public override ValidationResult Validate()
    {
        if (!ulong.TryParse(SeedText, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return ValidationResult.Error($"--seed: '{SeedText}' is not a whole number from 0 to 2^64-1.");
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out: no folder named.");
        if (WritesOutputFolder && OutputPaths.FolderProblem(Out) is { } problem)
            return ValidationResult.Error($"--out: {problem}.");
        if (Rendering.JsonOutput.PathProblem(Json) is { } jsonProblem)
            return ValidationResult.Error($"--json: {jsonProblem}.");
        return ValidationResult.Success();
    }
}
