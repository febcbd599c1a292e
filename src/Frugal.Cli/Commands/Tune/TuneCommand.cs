using Frugal.Core.Errors;
using Frugal.Tuning.Loop;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary>
/// A tune command. The tuning library names the setting at fault in a bad-input error in its own terms
/// (<see cref="BadInputException.Setting"/>); this adds the option that sets it, and for a history that holds trials
/// already, how to continue it.
/// </summary>
/// <typeparam name="TSettings">The command's options.</typeparam>
internal abstract class TuneCommand<TSettings> : Command<TSettings> where TSettings : TargetSettings
{
    public sealed override int Execute(CommandContext context, TSettings settings, CancellationToken cancellation)
    {
        try
        {
            return Run(settings, cancellation);
        }
        catch (BadInputException e) when (e.Setting is { } setting && settings.OptionFor(setting) is { } option)
        {
            var hint = e is HistoryExistsException ? "; pass --resume to continue it" : "";
            throw new BadInputException($"{option}: {e.Message}{hint}", setting, e);
        }
    }

    /// <summary>The command's work; returns the exit code.</summary>
    protected abstract int Run(TSettings settings, CancellationToken cancellation);
}
