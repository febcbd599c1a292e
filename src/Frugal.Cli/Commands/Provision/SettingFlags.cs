using Frugal.Core.Errors;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Slurm;
using Frugal.Provisioning.Traces;

namespace Frugal.Cli.Commands.Provision;

/// <summary>
/// The provisioning library names its settings in its own terms (<see cref="BadInputException.Setting"/>);
/// the <c>frugal provision</c> commands put the flag that sets each in their place.
/// </summary>
internal static class SettingFlags
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        [TraceReadOptions.SkipBadSetting] = "--skip-bad",
        [TraceReadOptions.ProcessorsPerNodeSetting] = "--procs-per-node",
        [TraceReaders.FormatSetting] = "--format",
        [NodePools.Setting] = "--pools",
        [MethodCatalog.Setting] = "--method",
        [TrainedModels.ModelSetting] = "--model",
        [ChainSpec.NodesSetting] = "--chain-nodes",
        [ChainSpec.LimitSetting] = "--chain-hours",
        [EpisodeSettings.LoadSetting] = "--load",
        [TimeSplit.StrideSetting] = "--stride-hours",
        [TimeSplit.MaxSamplesSetting] = "--max-samples",
        [StudyOptions.ProbesSetting] = "--probes",
        [ValueModelOptions.TreesSetting] = "--trees",
        [PolicyGradientOptions.UpdatesSetting] = "--pg-updates",
        [PolicyGradientOptions.EpisodesSetting] = "--pg-episodes",
        [SlurmCommands.JobSetting] = "--job",
    };

    /// <summary>Runs <paramref name="command"/>; bad input about a setting the commands have a flag for is reported
    /// under that flag.</summary>
    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (BadInputException e) when (e is not UsageException && e.Setting is { } setting
                                           && Flags.TryGetValue(setting, out var flag))
        {
            throw new UsageException(Named(e.Message, setting, flag));
        }
    }

    /// <summary>
    /// The message with the flag in the setting's place: a leading "setting: " or an inner
    /// "the setting setting" becomes the flag; otherwise the flag goes in front.
    /// </summary>
    internal static string Named(string message, string setting, string flag)
    {
        if (message.StartsWith(setting + ": ", StringComparison.Ordinal)) return flag + message[setting.Length..];
        var phrase = $"the {setting} setting";
        return message.Contains(phrase, StringComparison.Ordinal)
            ? message.Replace(phrase, flag, StringComparison.Ordinal)
            : $"{flag}: {message}";
    }
}
