using Spectre.Console;

namespace Frugal.Cli.Commands.Energy;

/// <summary>
/// <c>frugal energy restore</c>: puts back the clocks a journal left by an interrupted run recorded. Opening a real
/// device with permission restores a journal it finds, so this opens the device with permission and reports.
/// </summary>
internal sealed class EnergyRestoreCommand(IAnsiConsole console) : EnergyCommand<EnergySettings>
{
    protected override int Run(EnergySettings settings, CancellationToken cancellation)
    {
        if (settings.Hardware is not null)
        {
            console.MarkupLine("the simulated device changes no real clocks: nothing to restore.");
            return ExitCodes.Success;
        }
        var restoring = new RestoreSettings(settings);
        var before = restoring.Journals();
        using (restoring.OpenDevice())
        {
        }
        var restored = before.Where(j => !File.Exists(j)).ToArray();
        console.MarkupLine(Markup.Escape(restored.Length > 0
            ? $"restored the clocks journalled in {string.Join(", ", restored)}"
            : $"no journal of {settings.Device} to restore"));
        return ExitCodes.Success;
    }

    /// <summary>The user's settings with permission to write: restoring is the one write this command makes.</summary>
    private sealed class RestoreSettings : EnergySettings
    {
        public RestoreSettings(EnergySettings s)
        {
            Device = s.Device;
            JournalDir = s.JournalDir;
            AllowClockChanges = true;
        }

        public string[] Journals()
        {
            var folder = JournalFolder;
            return Directory.Exists(folder) ? Directory.GetFiles(folder, $"{Device}-*.journal.json") : [];
        }
    }
}
