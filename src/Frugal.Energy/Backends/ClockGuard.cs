using System.Runtime.InteropServices;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Backends;

/// <summary>
/// Restores a device's clocks when the process is told to stop (SIGINT, SIGTERM) while clocks are changed; the normal
/// path restores in <c>finally</c>. Dispose to unregister.
/// </summary>
public sealed class ClockGuard : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    private ClockGuard(IEnergyDevice device)
    {
        void Restore(PosixSignalContext context) => device.RestoreAsync().GetAwaiter().GetResult();
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Restore),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Restore)];
    }

    /// <summary>Registers the handlers for <paramref name="device"/>.</summary>
    public static ClockGuard Protect(IEnergyDevice device) => new(device);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
