using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.Results;
using Frugal.Energy.Devices;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Energy;

/// <summary><c>frugal energy grid</c>: the exhaustive, noise-free search of the simulated grid (the golden
/// table).</summary>
internal sealed class EnergyGridCommand(IAnsiConsole console) : EnergyCommand<EnergyGridCommand.Settings>
{
    public sealed class Settings : EnergySettings
    {
        [CommandOption("--slo-ms <LIST>")]
        [Description("Latency SLOs in milliseconds, comma-separated (default 50,100,200).")]
        [DefaultValue("50,100,200")]
        public string SloList { get; init; } = "50,100,200";
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var hardware = settings.SimulatedOnly("the exhaustive search (a real board needs ~10 s per point)");
        var profile = WorkloadProfile.Catalog.Get(settings.Profile);
        var slos = EnergySettings.PositiveNumbers(settings.SloList, "--slo-ms");
        foreach (var slo in slos) new TuningPlan(profile.Name, slo).Check(hardware);
        var rows = slos.Select(slo => (Slo: slo, Optimum: GridSearch.Run(hardware, profile, slo))).ToArray();
        if (!settings.JsonOnConsole)
        {
            var title = $"{profile.Name} on {hardware.Grid.Name}: {hardware.Grid.Size} points, " +
                        $"phase 2 {hardware.Grid.PhaseTwoSize}";
            var table = new Table().Title(Markup.Escape(title))
                .AddColumns("SLO ms", "E* J", "f_g", "f_m", "f_c", "b", "L ms", "baseline J", "saving", "feasible",
                    "joint E* J");
            foreach (var (slo, o) in rows)
            {
                string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
                table.AddRow(F(slo, "0.###"), F(o.EnergyJ, "0.0000"), F(o.Best?.GpuMHz ?? double.NaN, "0.###"),
                    F(o.Best?.MemoryMHz ?? double.NaN, "0.###"), F(o.CpuMHz, "0.###"),
                    (o.Best?.Batch ?? 0).ToString(CultureInfo.InvariantCulture),
                    F((o.Point?.LatencySeconds ?? double.NaN) * 1e3, "0.0"), F(o.BaselineEnergyJ, "0.0000"),
                    F(100 * o.Saving, "0.0") + "%", $"{o.Feasible}/{o.PhaseTwoSize}", F(o.JointEnergyJ, "0.0000"));
            }
            console.Write(table);
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(rows.Select(r => new GridJson(profile.Name,
            hardware.Grid.Name, r.Slo, r.Optimum.EnergyJ, r.Optimum.Best, r.Optimum.Point?.LatencySeconds * 1e3,
            r.Optimum.BaselineEnergyJ, r.Optimum.Saving, r.Optimum.Feasible, r.Optimum.PhaseTwoSize,
            r.Optimum.JointBest, r.Optimum.JointEnergyJ)).ToArray(), ResultJson.Options));
        return ExitCodes.Success;
    }

    private sealed record GridJson(
        string Profile, string Grid, double SloMs, double EnergyJ, HardwareConfig? Best, double? LatencyMs,
        double BaselineEnergyJ, double Saving, int Feasible, int PhaseTwoPoints, HardwareConfig? JointBest,
        double JointEnergyJ);
}
