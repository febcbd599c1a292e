using Frugal.Core.Catalogs;
using Frugal.Core.Randomness;
using Frugal.Energy.Backends;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Devices;

/// <summary>How to open a device: the simulated board's grid and noise, and for real boards the permission to
/// write.</summary>
/// <param name="Grid">The simulated board (a <see cref="SimulatedHardware.Catalog"/> name).</param>
/// <param name="Noise">The simulator's measurement noise.</param>
/// <param name="Seeds">Where the simulator's noise stream comes from.</param>
/// <param name="AllowClockChanges">The user's explicit permission to change real clocks.</param>
/// <param name="JournalFolder">Where real backends keep their clock journals.</param>
/// <param name="Root">The filesystem root of sysfs and powercap ("/"; a fake tree in tests).</param>
public sealed record DeviceOptions(
    string Grid, MeasurementNoise Noise, SeedTree Seeds, bool AllowClockChanges, string JournalFolder,
        string Root = "/")
{
    /// <summary>The journal path of <paramref name="device"/>: one file per backend and board.</summary>
    public string JournalPath(string device, string identity) =>
        Path.Combine(JournalFolder, $"{device}-{string.Concat(identity.Select(Safe))}.journal.json");

    // Board identities (UUIDs, devfreq node names) become file names: anything but letters, digits, '.' and '-' is '_'.
    private static char Safe(char c) => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '_';

    /// <summary>The permission and journal for <paramref name="device"/>'s board <paramref name="identity"/>.</summary>
    public WritePermission Permission(string device, string identity) =>
        new(AllowClockChanges, new ClockJournal(JournalPath(device, identity), device, identity));
}

/// <summary>The devices by name: the simulator (default) and the real backends.</summary>
public static class DeviceCatalog
{
    /// <summary>Every backend, each a factory taking <see cref="DeviceOptions"/>.</summary>
    public static Catalog<Func<DeviceOptions, IEnergyDevice>> Devices { get; } =
        new Catalog<Func<DeviceOptions, IEnergyDevice>>("device")
            .Add("simulated", o => new SimulatedDevice(SimulatedHardware.Catalog.Get(o.Grid), o.Noise,
                o.Seeds.Stream("device")),
                "the parametric board of design §7 (default)")
            .Add("nvml", o => new NvmlDevice(0, id => o.Permission("nvml", id)),
                "an NVIDIA GPU through libnvidia-ml.so.1")
            .Add("jetson", o => new JetsonSysfsDevice(o.Root, id => o.Permission("jetson", id)),
                "a Jetson board through sysfs and debugfs")
            .Add("rapl", o => new RaplDevice(o.Root), "CPU package energy from powercap (measures only)");
}
