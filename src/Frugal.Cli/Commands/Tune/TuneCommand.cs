using Frugal.Core.Errors;
using Frugal.Tuning.Loop;

namespace Frugal.Cli.Commands.Tune;

/// <summary>
/// A tune command: bad input about a setting is reported under its option, and a history that holds trials already
/// says how to continue it.
/// </summary>
/// <typeparam name="TSettings">The command's options.</typeparam>
internal abstract class TuneCommand<TSettings> : SettingCommand<TSettings> where TSettings : TargetSettings
{
    /// <inheritdoc/>
    protected override string Hint(BadInputException error) =>
        error is HistoryExistsException ? "; pass --resume to continue it" : "";
}
