using Frugal.Core.Errors;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary>
/// A command whose library names the setting at fault in a bad-input error in its own terms
/// (<see cref="BadInputException.Setting"/>): this puts the option that sets it in front of the message.
/// </summary>
/// <typeparam name="TSettings">
/// The command's options; their <see cref="GlobalSettings.OptionFor"/> maps settings to options.
/// </typeparam>
internal abstract class SettingCommand<TSettings> : Command<TSettings> where TSettings : GlobalSettings
{
    /// <inheritdoc/>
    public sealed override int Execute(CommandContext context, TSettings settings, CancellationToken cancellation)
    {
        try
        {
            return Run(settings, cancellation);
        }
        catch (BadInputException e) when (e.Setting is { } setting && settings.OptionFor(setting) is { } option)
        {
            throw new BadInputException(GlobalSettings.WithOption(e.Message, setting, option) + Hint(e), setting, e);
        }
    }

    /// <summary>The command's work; returns the exit code.</summary>
    protected abstract int Run(TSettings settings, CancellationToken cancellation);

    /// <summary>
    /// What to add to the message of <paramref name="error"/> (e.g. how to get past it); empty by default.
    /// </summary>
    protected virtual string Hint(BadInputException error) => "";
}
