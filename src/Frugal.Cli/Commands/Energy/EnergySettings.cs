using System.ComponentModel;
using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Energy.Backends;
using Frugal.Energy.Devices;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Energy;

/// <summary>What every energy command takes: the device, the simulated grid and noise, the profile, the write
/// permission.</summary>
internal class EnergySettings : GlobalSettings
{
    // The energy library names the setting at fault in its errors; these are the options that set them.
    private static readonly Dictionary<string, string> OptionsBySetting = new()
    {
        [DeviceCatalog.Devices.Kind] = "--device",
        [DeviceUnavailableException.DeviceSetting] = "--device",
        [SimulatedHardware.Catalog.Kind] = "--grid",
        [WorkloadProfile.Catalog.Kind] = "--profile",
        [TuningPlan.SloSetting] = "--slo-ms",
        [TuningPlan.BudgetSetting] = "--budget",
        [ClockChangesNotAllowedException.ClockChangesSetting] = "--allow-clock-changes",
        [ClockJournal.Setting] = "--journal-dir",
        [WorkloadCommandDevice.Setting] = "--workload-command",
    };

    [CommandOption("--device <NAME>")]
    [Description("simulated (default), nvml, jetson or rapl.")]
    [DefaultValue("simulated")]
    public string Device { get; init; } = "simulated";

    [CommandOption("--grid <NAME>")]
    [Description("The simulated board: orin-like (default, 1,820 points) or tx2-like (5,005).")]
    [DefaultValue("orin-like")]
    public string Grid { get; init; } = "orin-like";

    [CommandOption("--profile <NAME>")]
    [Description("The simulated model: vision (default) or language.")]
    [DefaultValue("vision")]
    public string Profile { get; init; } = "vision";

    [CommandOption("--noise-free")]
    [Description("Simulated measurements without noise (the model itself).")]
    public bool NoiseFree { get; init; }

    [CommandOption("--sensor")]
    [Description("Simulated energy from a power sensor sampled every 50 ms instead of log-normal noise.")]
    public bool Sensor { get; init; }

    [CommandOption("--allow-clock-changes")]
    [Description("Let a real device change clocks (journalled first, restored on exit). " +
                 "Without it real devices are read-only.")]
    public bool AllowClockChanges { get; init; }

    [CommandOption("--journal-dir <DIR>")]
    [Description("Where real devices keep the journal of original clocks (default: the user's state folder).")]
    public string? JournalDir { get; init; }

    [CommandOption("--workload-command <CMD>")]
    [Description("On a real device: a shell command that runs your model for $FRUGAL_SECONDS at batch $FRUGAL_BATCH " +
                 "and prints each batch's latency in ms, one per line; it lets a real device be measured and tuned.")]
    public string? WorkloadCommand { get; init; }

    /// <summary>The simulated board named by <c>--grid</c> (null for a real device).</summary>
    public SimulatedHardware? Hardware =>
        DeviceCatalog.Devices.Canonical(Device) == "simulated" ? SimulatedHardware.Catalog.Get(Grid) : null;

    /// <summary>Opens the device; checks the grid and profile names first so a bad name is reported before any
    /// work.</summary>
    public IEnergyDevice OpenDevice()
    {
        var factory = DeviceCatalog.Devices.Get(Device);
        WorkloadProfile.Catalog.Get(Profile);
        SimulatedHardware.Catalog.Get(Grid);
        if (WorkloadCommand is not null && Hardware is not null)
            throw new BadInputException("the simulated device runs its own model; a workload command needs a real " +
                                        "device", WorkloadCommandDevice.Setting);
        var device = factory(new DeviceOptions(Grid, Noise, new SeedTree(Seed), AllowClockChanges, JournalFolder));
        if (WorkloadCommand is null) return device;
        try
        {
            return new WorkloadCommandDevice(device, WorkloadCommand);
        }
        catch
        {
            // A refused command must not leave the opened device (and any journal it restored) undisposed.
            device.Dispose();
            throw;
        }
    }

    /// <summary>The simulator's measurement noise as the options set it.</summary>
    public MeasurementNoise Noise =>
        NoiseFree ? MeasurementNoise.None : MeasurementNoise.Default with { Sensor = Sensor };

    /// <summary>The simulated board, for what only makes sense on the simulator (<paramref name="what"/>).</summary>
    public SimulatedHardware SimulatedOnly(string what) => Hardware
        ?? throw new BadInputException($"{what} runs on the simulated device only", DeviceCatalog.Devices.Kind);

    /// <summary>A comma-separated list of positive numbers given to <paramref name="option"/>.</summary>
    public static double[] PositiveNumbers(string list, string option) =>
        [.. list.Split(',', StringSplitOptions.TrimEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v
                : throw new BadInputException($"{option}: '{s}' is not a positive number"))];

    /// <summary>Where real devices keep their clock journals.</summary>
    protected string JournalFolder => JournalDir ?? Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData,
            Environment.SpecialFolderOption.Create),
        "frugal", "energy");

    /// <inheritdoc/>
    public override string? OptionFor(string setting) => OptionsBySetting.GetValueOrDefault(setting);
}

/// <summary>An energy command: adds the option at fault to the library's bad-input errors.</summary>
/// <typeparam name="TSettings">The command's options.</typeparam>
internal abstract class EnergyCommand<TSettings> : SettingCommand<TSettings> where TSettings : EnergySettings
{
    /// <summary>
    /// Runs <paramref name="work"/> on the opened device; with clock changes allowed, also restores the clocks on
    /// SIGINT/SIGTERM, and always when the work ends, whether it succeeded or failed.
    /// </summary>
    protected static T WithDevice<T>(TSettings settings, Func<IEnergyDevice, T> work)
    {
        using var device = settings.OpenDevice();
        using var guard = settings.AllowClockChanges ? ClockGuard.Protect(device) : null;
        try
        {
            return work(device);
        }
        finally
        {
            device.RestoreAsync().GetAwaiter().GetResult();
        }
    }
}
