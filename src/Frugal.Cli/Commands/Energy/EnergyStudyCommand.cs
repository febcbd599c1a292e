using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Energy.Devices;
using Frugal.Energy.Experiments;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Energy;

/// <summary>
/// <c>frugal energy study</c>: design §8's validation study on the simulator (the benchmark's command): profiles × SLOs
/// × budgets × seeds, the tuner and random search on the noisy device, each recommendation scored noise-free.
/// </summary>
internal sealed class EnergyStudyCommand(IAnsiConsole console) : EnergyCommand<EnergyStudyCommand.Settings>
{
    public sealed class Settings : EnergySettings
    {
        [CommandOption("--profiles <LIST>")]
        [Description("Profiles, comma-separated (default vision,language).")]
        [DefaultValue("vision,language")]
        public string Profiles { get; init; } = "vision,language";

        [CommandOption("--slo-ms <LIST>")]
        [Description("Latency SLOs in milliseconds, comma-separated (default 50,100,200).")]
        [DefaultValue("50,100,200")]
        public string Slos { get; init; } = "50,100,200";

        [CommandOption("--budgets <LIST>")]
        [Description("Phase-2 budgets N, comma-separated (default 10,15,20,30).")]
        [DefaultValue("10,15,20,30")]
        public string Budgets { get; init; } = "10,15,20,30";

        [CommandOption("--seeds <K>")]
        [Description("Seeds per cell (default 30).")]
        [DefaultValue(30)]
        public int Seeds { get; init; } = 30;

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            return Seeds is >= 1 and <= 1000 ? ValidationResult.Success()
                : ValidationResult.Error($"--seeds: {Seeds} must lie in [1, 1000].");
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var hardware = settings.SimulatedOnly("the study");
        var profiles = settings.Profiles.Split(',',
            StringSplitOptions.TrimEntries).Select(p => WorkloadProfile.Catalog.Get(p).Name).ToArray();
        var slos = EnergySettings.PositiveNumbers(settings.Slos, "--slo-ms");
        var budgets = EnergySettings.PositiveNumbers(settings.Budgets, "--budgets").Select(b => (int)b).ToArray();
        var cells = (from p in profiles from s in slos from b in budgets select new ValidationCase(p, s, b)).ToArray();
        foreach (var c in cells) new TuningPlan(c.Profile, c.SloMs, c.Budget).Check(hardware);
        var seeds = new SeedTree(settings.Seed).Child("study");
        PolyThrottleStudy Study(Action<double>? progress) =>
            PolyThrottleStudy.Run(hardware, cells, settings.Seeds, settings.Noise, seeds, progress, cancellation);
        var study = settings.JsonOnConsole
            ? Study(null)
            : console.Progress().Start(p =>
            {
                var task = p.AddTask($"{cells.Length} cells × {settings.Seeds} seeds", maxValue: 1);
                return Study(f => task.Value = f);
            });
        if (!settings.JsonOnConsole)
        {
            static string P(double v) => double.IsFinite(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "∞";
            var table = new Table().AddColumns("profile", "SLO ms", "N", "median regret %", "feasible %",
                "random median %",
                "better than random", "median samples to 5%", "violations/run", "median saving %", "golden saving %");
            foreach (var c in study.Cases)
                table.AddRow(c.Case.Profile, P(c.Case.SloMs), c.Case.Budget.ToString(CultureInfo.InvariantCulture),
                    P(100 * c.MedianRegret), P(100 * c.FeasibleShare), P(100 * c.RandomMedianRegret),
                    c.MedianRegret < c.RandomMedianRegret ? "yes" : "no", P(c.MedianSamplesToWithin5),
                        P(c.MeanViolations),
                    P(100 * c.MedianSaving), P(100 * c.Optimum.Saving));
            console.Write(table);
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(study.Cases.Select(c => new CellJson(
            c.Case.Profile, c.Case.SloMs, c.Case.Budget, settings.Seeds, c.Optimum.EnergyJ, c.MedianRegret,
                c.FeasibleShare,
            c.RandomMedianRegret, c.MedianSamplesToWithin5, c.MeanViolations, c.MedianSaving, c.Optimum.Saving,
            c.MedianVirtualSeconds)).ToArray(), ResultJson.Options));
        return ExitCodes.Success;
    }

    private sealed record CellJson(
        string Profile, double SloMs, int Budget, int Seeds, double OptimumJ, double MedianRegret, double FeasibleShare,
        double RandomMedianRegret, double MedianSamplesToWithin5, double MeanViolations, double MedianSaving,
        double GoldenSaving, double MedianVirtualSeconds);
}
