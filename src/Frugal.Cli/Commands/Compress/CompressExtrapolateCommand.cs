using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Compression.Experiments;
using Frugal.Compression.Study;
using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Compress;

/// <summary><c>frugal compress extrapolate</c>: the cost model alone over the paper's sweep (T = 4), with a plot of
/// predicted speedup per method.</summary>
internal sealed class CompressExtrapolateCommand(IAnsiConsole console)
    : SettingCommand<CompressExtrapolateCommand.Settings>
{
    public sealed class Settings : CompressSettings
    {
        [CommandOption("--link <LINK>")]
        [Description("The tensor-parallel link, latency/bandwidth (default 50us/10Gbps).")]
        [DefaultValue("50us/10Gbps")]
        public string Link { get; init; } = "50us/10Gbps";

        [CommandOption("--tflops <T>")]
        [Description("Sustained device TFLOP/s (default 100).")]
        [DefaultValue(100.0)]
        public double Teraflops { get; init; } = 100;

        [CommandOption("--memory-gbps <GB>")]
        [Description("Device memory bandwidth in GB/s (default 900).")]
        [DefaultValue(900.0)]
        public double Memory { get; init; } = 900;

        [CommandOption("--ratio <RHO>")]
        [Description("Target ratio of ae, topk, lowrank, srht and ct (default 8).")]
        [DefaultValue(8.0)]
        public double Ratio { get; init; } = 8;

        [CommandOption("--compress-backward")]
        [Description("Quantisation also quantises its backward messages (default off).")]
        public bool CompressBackward { get; init; }

        protected override bool WritesOutputFolder => true;

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            return Teraflops > 0 && Memory > 0 && double.IsFinite(Teraflops) && double.IsFinite(Memory)
                ? ValidationResult.Success()
                : ValidationResult.Error("--tflops and --memory-gbps must be positive numbers.");
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var device = new DeviceModel(settings.Teraflops, settings.Memory, Link: settings.Link, Ratio: settings.Ratio,
            CompressBackward: settings.CompressBackward);
        var points = Extrapolation.Run(device);
        var summary = Reproduction.Run([new FinishedExperiment("compression.extrapolate",
                "Compression: cost-model extrapolation", r => Extrapolation.Fill(r, device, points))],
            new ReproductionOptions(settings.Seed, false, settings.Out), cancellation: cancellation);
        if (summary.Outcomes[0].Error is { } error) throw new InvalidOperationException(error);
        if (!settings.JsonOnConsole)
        {
            var methods = Extrapolation.Methods.Where(m => m != "none").ToArray();
            var table = new Table().AddColumns(["hidden", .. methods.Select(m => $"{m} speedup"), "none comm share"]);
            foreach (var h in Extrapolation.Hiddens)
            {
                var at = points.Where(p => p.Hidden == h && p.Layers == 1 && p.Batch == 32).ToArray();
                table.AddRow([h.ToString(CultureInfo.InvariantCulture),
                    .. methods.Select(m => at.First(p => p.Method == m).Speedup.ToString("0.00",
                        CultureInfo.InvariantCulture)),
                    at.First(p => p.Method == "none")
                        .CommunicationShare.ToString("0.00", CultureInfo.InvariantCulture)]);
            }
            console.Write(table);
            console.MarkupLineInterpolated($"T = 4, batch 32, 1 layer; every point: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(points, ResultJson.Options));
        return ExitCodes.Success;
    }
}
