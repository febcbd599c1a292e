using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Energy;

/// <summary>
/// <c>frugal energy tune</c>: PolyThrottle's two-phase tuning with a live table of samples, then the recommendation,
/// the virtual tuning time and, on the simulator, how far it is from the exhaustive optimum.
/// </summary>
internal sealed class EnergyTuneCommand(IAnsiConsole console) : EnergyCommand<EnergyTuneCommand.Settings>
{
    public sealed class Settings : EnergySettings
    {
        [CommandOption("--slo-ms <MS>")]
        [Description("Latency SLO per batch, in milliseconds (required).")]
        public double SloMs { get; init; }

        [CommandOption("--budget <N>")]
        [Description("Most phase-2 samples (default 20).")]
        [DefaultValue(20)]
        public int Budget { get; init; } = 20;

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            return SloMs > 0 ? ValidationResult.Success()
                : ValidationResult.Error("--slo-ms: give the latency SLO in milliseconds.");
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var plan = new TuningPlan(settings.Profile, settings.SloMs, settings.Budget);
        var hardware = settings.Hardware;
        plan.Check(hardware);
        var seeds = new SeedTree(settings.Seed).Child("tuner");
        var result = WithDevice(settings, device =>
        {
            if (settings.JsonOnConsole)
                return TwoPhaseTuner.RunAsync(device, plan, seeds, cancellation: cancellation).GetAwaiter().GetResult();
            var table = new Table().Title($"PolyThrottle on {Markup.Escape(device.Describe().Device)}")
                .AddColumns("#", "phase", "configuration", "energy J", "latency ms", "virtual s");
            return console.Live(table).Start(live => TwoPhaseTuner.RunAsync(device, plan, seeds, sample =>
            {
                table.AddRow(sample.Index.ToString(CultureInfo.InvariantCulture),
                    sample.Phase.ToString().ToLowerInvariant() + (sample.Replicate ? " (again)" : ""),
                    Markup.Escape(sample.Config.ToString()), Number(sample.Measurement.EnergyPerQueryJ),
                    Number(sample.Measurement.LatencyMs), Number(sample.VirtualSeconds));
                live.Refresh();
            }, cancellation).GetAwaiter().GetResult());
        });
        var optimum = hardware is null ? null : GridSearch.Run(hardware, WorkloadProfile.Catalog.Get(plan.Profile),
            plan.SloMs);
        var truth = hardware is null ? null : PerformanceModel.Evaluate(hardware,
            WorkloadProfile.Catalog.Get(plan.Profile), result.Recommended);
        if (!settings.JsonOnConsole)
        {
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"recommended: {result.Recommended} (measured {result.RecommendedEnergyJ:0.0000} J, " +
                $"{result.RecommendedLatencyMs:0.0} ms); CPU clock from phase 1: {result.CpuMHz} MHz; " +
                $"{result.SearchSamples.Count} search samples{(result.StoppedEarly ? " (stopped early)" : "")}, " +
                $"virtual tuning time {result.VirtualSeconds / 60:0.0} min")));
            if (optimum is not null && truth is not null)
                console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"noise-free: {truth.EnergyPerQueryJ:0.0000} J at {truth.LatencySeconds * 1e3:0.0} ms; " +
                    $"grid optimum {optimum.EnergyJ:0.0000} J " +
                    $"(regret {100 * (truth.EnergyPerQueryJ / optimum.EnergyJ - 1):0.0}%), " +
                    $"max clocks {optimum.BaselineEnergyJ:0.0000} J")));
        }
        var samples = result.Samples.Select(s => new SampleJson(s.Index, s.Phase.ToString().ToLowerInvariant(),
            s.Config, s.Measurement.EnergyPerQueryJ, s.Measurement.LatencyMs, s.Replicate)).ToArray();
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(new TuneJson(
            settings.Device, hardware?.Grid.Name, plan.Profile, plan.SloMs, plan.Budget, result.CpuMHz,
            result.Recommended,
            result.RecommendedEnergyJ, result.RecommendedLatencyMs, truth?.EnergyPerQueryJ, truth?.LatencySeconds * 1e3,
            optimum?.EnergyJ, result.StoppedEarly, result.VirtualSeconds, samples), ResultJson.Options));
        return ExitCodes.Success;
    }

    internal static string Number(double v) => double.IsFinite(v) ? v.ToString("G4",
        CultureInfo.InvariantCulture) : "–";

    private sealed record TuneJson(
        string Device, string? Grid, string Profile, double SloMs, int Budget, double CpuMHz,
        Frugal.Energy.Devices.HardwareConfig Recommended, double MeasuredEnergyJ, double MeasuredLatencyMs,
        double? ModelEnergyJ, double? ModelLatencyMs, double? OptimumEnergyJ, bool StoppedEarly, double VirtualSeconds,
        SampleJson[] Samples);

    private sealed record SampleJson(
        int Index, string Phase, Frugal.Energy.Devices.HardwareConfig Config, double EnergyJ, double LatencyMs,
            bool Replicate);
}
