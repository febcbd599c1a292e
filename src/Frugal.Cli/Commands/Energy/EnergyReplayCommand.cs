using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Energy.Devices;
using Frugal.Energy.FineTuning;
using Frugal.Energy.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Energy;

/// <summary>
/// <c>frugal energy replay --fine-tune</c>: design App. D on the simulator: inference at max clocks with a batch of 16,
/// SLO 250 ms for 30 s then 700 ms, fine-tuning steps admitted only where the predicted worst-case latency meets the
/// SLO, each at the cheapest clocks for the mix unless <c>--keep-clocks</c>.
/// </summary>
internal sealed class EnergyReplayCommand(IAnsiConsole console) : EnergyCommand<EnergyReplayCommand.Settings>
{
    public sealed class Settings : EnergySettings
    {
        [CommandOption("--fine-tune")]
        [Description("Queue fine-tuning steps beside inference (App. D); without it the replay is inference alone.")]
        public bool FineTune { get; init; }

        [CommandOption("--keep-clocks")]
        [Description("Run fine-tuning steps at the inference clocks instead of re-tuning them for the mix.")]
        public bool KeepClocks { get; init; }

        [CommandOption("--batch <N>")]
        [Description("Inference batch size, a batch of the grid (default 16).")]
        [DefaultValue(16)]
        public int Batch { get; init; } = 16;

        [CommandOption("--seconds <S>")]
        [Description("Length of the replay (default 60; the SLO moves to 700 ms at half time).")]
        [DefaultValue(60.0)]
        public double Seconds { get; init; } = 60;

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            return Seconds is > 0 and <= 86400 ? ValidationResult.Success()
                : ValidationResult.Error($"--seconds: {Seconds} must lie in (0, 86400].");
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var hardware = settings.SimulatedOnly("the replay");
        var profile = WorkloadProfile.Catalog.Get(settings.Profile);
        if (!hardware.Grid.Batches.Contains(settings.Batch))
            throw new BadInputException(
                $"--batch: {settings.Batch} is not a batch size of the grid " +
                $"({string.Join(", ", hardware.Grid.Batches)})");
        SloChange[] slo = [new(0, 250), new(settings.Seconds / 2, 700)];
        var result = FineTuneReplay.Run(hardware, profile, hardware.Grid.MaxClocks(settings.Batch), slo,
            FineTuneReplay.AppendixDStep, settings.FineTune ? int.MaxValue : 0, settings.Seconds, new TimeSharing(),
            settings.KeepClocks ? FineTuneClocks.Keep : FineTuneClocks.Retune,
            new SeedTree(settings.Seed).Stream("replay"));
        var phases = slo.Select((s, i) =>
        {
            var end = i + 1 < slo.Length ? slo[i + 1].AtSeconds : settings.Seconds;
            var batches = result.Batches.Where(b => b.StartSeconds >= s.AtSeconds && b.StartSeconds < end).ToArray();
            return new PhaseJson(s.AtSeconds, end, s.SloMs, batches.Length,
                result.Steps.Count(x => x.StartSeconds >= s.AtSeconds && x.StartSeconds < end),
                batches.Count(b => b.LatencyMs > b.SloMs), batches.Length > 0 ? batches.Max(b => b.LatencyMs)
                    : double.NaN);
        }).ToArray();
        if (!settings.JsonOnConsole)
        {
            var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{profile.Name}, {result.Config}; " +
                    $"predicted worst latency with fine-tuning {result.PredictedWorstMs:0} ms")))
                .AddColumns("from s", "to s", "SLO ms", "batches", "fine-tuning steps", "violations", "max latency ms");
            foreach (var p in phases)
                table.AddRow(p.From.ToString("0.#", CultureInfo.InvariantCulture), p.To.ToString("0.#",
                    CultureInfo.InvariantCulture),
                    p.SloMs.ToString("0",
                        CultureInfo.InvariantCulture), p.Batches.ToString(CultureInfo.InvariantCulture),
                    p.Steps.ToString(CultureInfo.InvariantCulture), p.Violations.ToString(CultureInfo.InvariantCulture),
                    p.MaxLatencyMs.ToString("0.0", CultureInfo.InvariantCulture));
            console.Write(table);
            var mix = result.Steps.Select(s => s.Config).Distinct().Select(c => c.ToString()).ToArray();
            if (mix.Length > 0)
                console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"fine-tuning at {string.Join("; ", mix)}: {result.EnergyPerQueryJ(true):0.000} J/query " +
                    $"while a step runs, {result.EnergyPerQueryJ(false):0.000} J/query otherwise")));
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(new ReplayJson(profile.Name, result.Config,
            result.PredictedWorstMs, phases, result.Steps.ToArray(), result.EnergyPerQueryJ(true),
            result.EnergyPerQueryJ(false)), ResultJson.Options));
        return ExitCodes.Success;
    }

    private sealed record PhaseJson(double From, double To, double SloMs, int Batches, int Steps, int Violations,
        double MaxLatencyMs);

    private sealed record ReplayJson(string Profile, HardwareConfig Config, double PredictedWorstMs,
        PhaseJson[] Phases, ReplayStep[] Steps, double FineTuningJoulesPerQuery, double InferenceJoulesPerQuery);
}
