using Frugal.Core.Errors;
using Spectre.Console;

namespace Frugal.Cli.Commands.Schedule;

/// <summary>
/// Checks settings through the components' own validation before a command runs, and names the
/// command-line flag of the setting at fault: components name settings in their terms
/// (<see cref="BadInputException.Setting"/>), never flags.
/// </summary>
internal static class SettingFlags
{
    /// <param name="validate">Builds and validates the components' options from the command line.</param>
    /// <param name="flags">The flag of each setting the components may name.</param>
    public static ValidationResult Check(Action validate, IReadOnlyDictionary<string, string> flags)
    {
        try
        {
            validate();
            return ValidationResult.Success();
        }
        catch (BadInputException e)
        {
            var flag = e.Setting is { } setting ? flags.GetValueOrDefault(setting) : null;
            return ValidationResult.Error(flag is null ? e.Message : $"{flag}: {e.Message}");
        }
    }
}
