using Frugal.Compression.Codecs;
using Frugal.Compression.Simulation;
using Frugal.Compression.Study;

namespace Frugal.Cli.Commands.Compress;

/// <summary>What every compress command takes, and the options that set the library's settings.</summary>
internal class CompressSettings : GlobalSettings
{
    private static readonly Dictionary<string, string> OptionsBySetting = new()
    {
        [CodecCatalog.Catalog.Kind] = "--method",
        [CodecSettings.RatioSetting] = "--ratio",
        [CodecSettings.KSetting] = "--keep",
        [CodecSettings.RankSetting] = "--rank",
        [CodecSettings.CodeSizeSetting] = "--code-size",
        [CodecSettings.BitsSetting] = "--method",
        [CodecSettings.SketchSizeSetting] = "--sketch-size",
        [CodecSettings.OptionSetting] = "--method",
        [StudyLog.ResumeSetting] = "--resume",
        [StudySettings.Presets.Kind] = "--preset",
        [LinkModel.Setting] = "--link",
    };

    /// <inheritdoc/>
    public override string? OptionFor(string setting) => OptionsBySetting.GetValueOrDefault(setting);
}
