using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.Results;
using Frugal.Energy.Devices;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Energy;

/// <summary>
/// <c>frugal energy measure</c>: one measurement window. Clocks given are applied first (on a real device only with
/// <c>--allow-clock-changes</c>, and restored afterwards); without clock options a real device is only read.
/// </summary>
internal sealed class EnergyMeasureCommand(IAnsiConsole console) : EnergyCommand<EnergyMeasureCommand.Settings>
{
    public sealed class Settings : EnergySettings
    {
        [CommandOption("--gpu-mhz <MHZ>")]
        [Description("GPU clock (a value of the device's grid; simulated default: the highest).")]
        public double? GpuMHz { get; init; }

        [CommandOption("--mem-mhz <MHZ>")]
        [Description("Memory clock (simulated default: the highest).")]
        public double? MemoryMHz { get; init; }

        [CommandOption("--cpu-mhz <MHZ>")]
        [Description("CPU clock (simulated default: the highest).")]
        public double? CpuMHz { get; init; }

        [CommandOption("--batch <N>")]
        [Description("Batch size (default 1).")]
        [DefaultValue(1)]
        public int Batch { get; init; } = 1;

        [CommandOption("--window <SECONDS>")]
        [Description("Measurement window (default 10; virtual on the simulator).")]
        [DefaultValue(10.0)]
        public double Window { get; init; } = 10;

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            if (Batch is < 1 or > 4096) return ValidationResult.Error($"--batch: {Batch} must lie in [1, 4096].");
            return Window is > 0 and <= 3600 ? ValidationResult.Success()
                : ValidationResult.Error($"--window: {Window} must lie in (0, 3600] seconds.");
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var measurement = WithDevice(settings, device =>
        {
            var grid = device.Describe().Grid;
            var setsClocks = settings.Hardware is not null || settings.GpuMHz is not null
                || settings.MemoryMHz is not null
                             || settings.CpuMHz is not null;
            if (setsClocks)
            {
                var config = new HardwareConfig(OnGrid(settings.GpuMHz, grid.GpuMHz, "GPU clock", "--gpu-mhz"),
                    OnGrid(settings.MemoryMHz, grid.MemoryMHz, "memory clock", "--mem-mhz"),
                    OnGrid(settings.CpuMHz, grid.CpuMHz, "CPU clock", "--cpu-mhz"), settings.Batch);
                device.ApplyAsync(config, cancellation).GetAwaiter().GetResult();
            }
            return device.MeasureAsync(new Workload(settings.Profile, settings.Batch), settings.Window, cancellation)
                .GetAwaiter().GetResult();
        });
        if (!settings.JsonOnConsole)
        {
            var n = EnergyTuneCommand.Number;
            console.Write(new Table().AddColumns("clocks", "latency ms", "p95 ms", "energy J/query", "power W",
                "queries/s", "sensor")
                .AddRow(Markup.Escape(measurement.Clocks.ToString()), n(measurement.LatencyMs),
                    n(measurement.LatencyP95Ms),
                    n(measurement.EnergyPerQueryJ), n(measurement.PowerW), n(measurement.Throughput),
                        Markup.Escape(measurement.Sensor)));
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(measurement, ResultJson.Options));
        return ExitCodes.Success;
    }

    private static double OnGrid(double? value, IReadOnlyList<double> allowed, string knob, string option)
    {
        if (allowed.Count == 0)
        {
            return value is null ? double.NaN
                : throw new BadInputException($"{option}: this device has no {knob} to set");
        }
        var v = value ?? allowed[^1];
        return allowed.Any(a => Math.Abs(a - v) < 1e-6)
            ? v
            : throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
                $"{option}: {v} MHz is not a {knob} of this device; it has {string.Join(", ", allowed)}"));
    }
}
