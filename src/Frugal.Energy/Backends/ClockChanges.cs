using Frugal.Core.Errors;

namespace Frugal.Energy.Backends;

/// <summary>
/// Raised when a real backend is asked to change clocks without the user's explicit permission: Frugal never changes
/// real clocks, power limits or governors unless told to, so nothing was written.
/// </summary>
public sealed class ClockChangesNotAllowedException(string device)
    : BadInputException($"{device}: changing real clocks needs explicit permission; nothing was changed",
        ClockChangesSetting)
{
    /// <summary>The setting that grants the permission.</summary>
    public const string ClockChangesSetting = "clock changes";
}

/// <summary>A backend the machine lacks (no NVML library, no powercap files): one line, nothing changed.</summary>
public sealed class DeviceUnavailableException(string device, string why)
    : BadInputException($"{device} unavailable: {why}", DeviceSetting)
{
    /// <summary>The setting that chose the device.</summary>
    public const string DeviceSetting = "device";
}

/// <summary>
/// Whether a real backend may write, and its journal. Every write goes through <see cref="Before"/>: it refuses without
/// permission and journals the original values before the first change.
/// </summary>
public sealed class WritePermission(bool allowed, ClockJournal journal)
{
    /// <summary>The user allowed clock changes.</summary>
    public bool Allowed => allowed;

    /// <summary>The journal of original values.</summary>
    public ClockJournal Journal => journal;

    /// <summary>Checks permission, then journals <paramref name="originals"/> before anything is written.</summary>
    public void Before(string device, IReadOnlyList<JournalEntry> originals)
    {
        if (!allowed) throw new ClockChangesNotAllowedException(device);
        journal.Record(originals);
    }
}
